"""Xendit over HTTP: the PaymentGateway port on the Invoices v2 and Refunds APIs."""
