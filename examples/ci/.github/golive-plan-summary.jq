# The golive part of `terraform show -json tfplan` as Markdown, for the pull
# request: every environment, deployment and traffic split the plan changes,
# with the versions it moves between and the cutover each split will walk.
#   terraform show -json tfplan | jq -r -f .github/golive-plan-summary.jq

def action:
  if . == ["create"] then "create"
  elif . == ["update"] then "update"
  elif . == ["delete"] then "destroy"
  elif . == ["delete", "create"] or . == ["create", "delete"] then "replace"
  else join(", ") end;

def cell: tostring | gsub("\\|"; "\\|") | gsub("\n"; " ");

def code: if . == null then "—" else "`" + cell + "`" end;

# [{"blue": 90, "green": 10}, ...] -> "blue 90, green 10 → ..."
def steps: map(to_entries | map("\(.key) \(.value)%") | join(", ")) | join(" → ");

def environment:
  (.change.after // .change.before) as $e
  | "\($e.application)/\($e.name)"
    + (if $e.tier then ", tier \($e.tier)" else "" end)
    + (if $e.promotes_from then ", promotes from \($e.promotes_from)" else "" end)
    + (if ($e.freeze // []) | length > 0 then ", \($e.freeze | length) freeze window(s)" else "" end);

def deployment:
  (.change.before // {}) as $b | (.change.after // {}) as $a | (.change.after_unknown // {}) as $u
  | "\($a.environment // $b.environment) · \($a.service // $b.service): "
    + ($b.version | code) + " → "
    + (if .change.after == null then "removed"
       elif $u.version == true then "(known after apply)"
       else $a.version | code end)
    + (if ($a.override // []) | length > 0 then " — override: " + ($a.override[0].reason | cell) else "" end);

def split:
  (.change.after // .change.before) as $s
  | "\($s.environment) · \($s.service): "
    + (if .change.after == null then "removed"
       elif (.change.after_unknown // {}).cutover == true then "cutover known after apply"
       else ($s.cutover // "no weight change" | cell) end)
    + (if .change.after != null and (($s.planned_steps // []) | length) > 0
       then "<br>steps: " + ($s.planned_steps | steps | cell) else "" end);

[.resource_changes[]?
  | select(.type | startswith("golive_"))
  | select(.change.actions != ["no-op"] and .change.actions != ["read"])] as $changes
| if ($changes | length) == 0 then
    "No golive changes in this plan."
  else
    "| action | resource | change |",
    "|---|---|---|",
    ($changes[]
      | "| \(.change.actions | action) | `\(.address)` | "
        + (if .type == "golive_deployment" then deployment
           elif .type == "golive_traffic_split" then split
           elif .type == "golive_environment" then environment
           else "" end)
        + " |")
  end
