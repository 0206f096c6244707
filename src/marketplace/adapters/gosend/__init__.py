"""GoSend over HTTP: the ShippingGateway port on the GoKilat v10 price, booking and cancel APIs."""
