"""What every feature's HTTP layer shares: request context, auth dependencies, error mapping, templates, i18n."""
