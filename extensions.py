"""The process-wide Flask extensions, kept here so nothing imports the app to reach them."""

from flask_compress import Compress
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
