output "live_weights" {
  description = "The route's weights after this apply, by slot."
  value       = golive_traffic_split.web.live_weights
}

output "cutover" {
  description = "The cutover of the latest plan, in words."
  value       = golive_traffic_split.web.cutover
}
