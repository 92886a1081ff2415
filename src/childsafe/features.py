"""The list of feature packages, read by the app, the CLI and the migrations so they stay in step."""

# Order matters only for readability; dependencies between features run through their service modules.
MODEL_MODULES = (
    "childsafe.core.audit",
    "childsafe.accounts.models",
    "childsafe.helplines.models",
    "childsafe.filtering.models",
    "childsafe.hashmatch.models",
    "childsafe.reports.models",
    "childsafe.conversations.models",
    "childsafe.stats.models",
    "childsafe.learn.models",
    "childsafe.strategy.models",
    "childsafe.participation.models",
)

FEATURES = ("accounts", "helplines", "filtering", "hashmatch", "reports", "conversations", "stats", "learn", "strategy", "participation")
