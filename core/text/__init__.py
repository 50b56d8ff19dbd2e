"""Text as read from files and shown on screen: encoding, clean-up, offsets and snapping."""
