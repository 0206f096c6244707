"""The identity context's use cases: accounts, sessions, profiles and saved addresses."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.application.identity.addresses import AddAddress, ChangeAddress, ListAddresses, RemoveAddress
from marketplace.application.identity.create_admin import CreateAdmin
from marketplace.application.identity.log_in import LogIn
from marketplace.application.identity.log_out import LogOut
from marketplace.application.identity.login_throttle import LoginThrottle
from marketplace.application.identity.profile import GetProfile, UpdateProfile
from marketplace.application.identity.refresh_session import RefreshSession
from marketplace.application.identity.register_user import RegisterUser
from marketplace.entrypoints.container.core import Core

uow, clock, ids, settings = Core.uow, Core.clock, Core.ids, Core.settings


class IdentityServices(Core):
    register_user = providers.Singleton(
        RegisterUser, uow=uow, hasher=Core.hasher, passwords=Core.password_policy, clock=clock, ids=ids
    )
    login_throttle = providers.Singleton(LoginThrottle, Core.back_off)
    log_in = providers.Singleton(
        LogIn,
        uow=uow,
        hasher=Core.hasher,
        tokens=Core.tokens,
        clock=clock,
        ids=ids,
        refresh_days=settings.provided.refresh_token_days,
        throttle=login_throttle,
    )
    refresh_session = providers.Singleton(
        RefreshSession,
        uow=uow,
        tokens=Core.tokens,
        clock=clock,
        ids=ids,
        refresh_days=settings.provided.refresh_token_days,
    )
    log_out = providers.Singleton(LogOut, uow=uow)
    create_admin = providers.Singleton(
        CreateAdmin, uow=uow, hasher=Core.hasher, passwords=Core.password_policy, clock=clock, ids=ids
    )
    get_profile = providers.Singleton(GetProfile, uow=uow)
    update_profile = providers.Singleton(UpdateProfile, uow=uow)
    list_addresses = providers.Singleton(ListAddresses, uow=uow)
    add_address = providers.Singleton(AddAddress, uow=uow, clock=clock, ids=ids)
    change_address = providers.Singleton(ChangeAddress, uow=uow)
    remove_address = providers.Singleton(RemoveAddress, uow=uow)
