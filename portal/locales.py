"""The portal's languages: Chinese first, English one click away."""

LOCALES = ("zh_CN", "en")
