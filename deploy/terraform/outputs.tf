output "cluster_name" {
  description = "EKS cluster: `aws eks update-kubeconfig --name <this>`."
  value       = module.eks.cluster_name
}

output "app_secret_arn" {
  description = "Secrets Manager entry holding the pods' environment (deploy/README.md step 4)."
  value       = aws_secretsmanager_secret.app.arn
}

output "postgres_endpoint" {
  description = "host:port of the PostgreSQL instance (private)."
  value       = aws_db_instance.postgres.endpoint
}

output "redis_endpoint" {
  description = "Primary endpoint of the Redis replication group (TLS)."
  value       = aws_elasticache_replication_group.redis.primary_endpoint_address
}
