// The app's own script. Pages work without it; it only adds comfort.
