#!/bin/sh
# azd postprovision hook (azure.yaml): says who the alerts reach. azd passes the deployment's
# outputs to hooks as environment variables; ALERT_NOTIFICATIONS comes from infra/main.bicep.
# An alert that notifies no one is a silent failure, so an empty receiver list is a warning
# on stderr; provisioning itself has succeeded, so the hook never fails it.
set -u
notifications="${ALERT_NOTIFICATIONS:-}"
case "$notifications" in
  "")
    echo "WARNING: ALERT_NOTIFICATIONS is not set; run 'azd provision' again to see who the alerts notify." >&2 ;;
  NONE*)
    echo "WARNING: istio-isolation-scanner alerts: $notifications" >&2 ;;
  *)
    echo "istio-isolation-scanner alerts notify: $notifications" ;;
esac
exit 0
