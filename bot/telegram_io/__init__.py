"""What speaks to Telegram below the handlers: PTB's persistence, the rate limiter and the request wrapper."""
