locals {
  prefix     = "${var.name}-${var.environment}"
  production = var.environment == "production"
  azs        = slice(data.aws_availability_zones.available.names, 0, 3)
  tags = {
    Project     = var.name
    Environment = var.environment
    ManagedBy   = "terraform"
    DataClass   = "phi"
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

# ---- network ---------------------------------------------------------------------------

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.8"

  name = local.prefix
  cidr = var.vpc_cidr
  azs  = local.azs

  private_subnets  = [for i in range(3) : cidrsubnet(var.vpc_cidr, 4, i)]
  public_subnets   = [for i in range(3) : cidrsubnet(var.vpc_cidr, 8, 48 + i)]
  database_subnets = [for i in range(3) : cidrsubnet(var.vpc_cidr, 8, 64 + i)]

  enable_nat_gateway     = true
  single_nat_gateway     = !local.production
  one_nat_gateway_per_az = local.production
  enable_dns_hostnames   = true

  create_database_subnet_group = true

  # The load balancer controller finds its subnets by these tags.
  public_subnet_tags  = { "kubernetes.io/role/elb" = 1 }
  private_subnet_tags = { "kubernetes.io/role/internal-elb" = 1 }
}

# ---- Kubernetes --------------------------------------------------------------------------

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.24"

  cluster_name    = local.prefix
  cluster_version = var.kubernetes_version

  vpc_id     = module.vpc.vpc_id
  subnet_ids = module.vpc.private_subnets

  cluster_endpoint_public_access           = true
  enable_cluster_creator_admin_permissions = true
  # Kubernetes Secrets encrypted with a KMS key the module creates.
  cluster_encryption_config = { resources = ["secrets"] }

  eks_managed_node_groups = {
    app = {
      instance_types = var.node_instance_types
      min_size       = var.node_min
      max_size       = var.node_max
      desired_size   = var.node_min
      disk_size      = 50
    }
  }
}

# ---- PostgreSQL --------------------------------------------------------------------------

resource "random_password" "db" {
  length  = 32
  special = false # it goes into a URL
}

resource "aws_security_group" "db" {
  name        = "${local.prefix}-postgres"
  description = "PostgreSQL from the cluster's nodes only"
  vpc_id      = module.vpc.vpc_id

  ingress {
    description     = "PostgreSQL from EKS nodes"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [module.eks.node_security_group_id]
  }
}

resource "aws_db_instance" "postgres" {
  identifier     = "${local.prefix}-postgres"
  engine         = "postgres"
  engine_version = "16"
  instance_class = var.db_instance_class

  allocated_storage     = var.db_allocated_storage_gb
  max_allocated_storage = var.db_allocated_storage_gb * 10
  storage_encrypted     = true

  db_name  = "aurixa"
  username = "aurixa"
  password = random_password.db.result

  db_subnet_group_name   = module.vpc.database_subnet_group_name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  multi_az               = local.production

  backup_retention_period   = local.production ? 30 : 7
  deletion_protection       = local.production
  skip_final_snapshot       = !local.production
  final_snapshot_identifier = local.production ? "${local.prefix}-postgres-final" : null
  copy_tags_to_snapshot     = true

  performance_insights_enabled    = true
  enabled_cloudwatch_logs_exports = ["postgresql"]
  auto_minor_version_upgrade      = true
}

# ---- Redis (rate limiter) ------------------------------------------------------------------

resource "aws_security_group" "redis" {
  name        = "${local.prefix}-redis"
  description = "Redis from the cluster's nodes only"
  vpc_id      = module.vpc.vpc_id

  ingress {
    description     = "Redis from EKS nodes"
    from_port       = 6379
    to_port         = 6379
    protocol        = "tcp"
    security_groups = [module.eks.node_security_group_id]
  }
}

resource "aws_elasticache_subnet_group" "redis" {
  name       = "${local.prefix}-redis"
  subnet_ids = module.vpc.private_subnets
}

resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "${local.prefix}-redis"
  description          = "AURIXA rate limiter"
  engine               = "redis"
  engine_version       = "7.1"
  node_type            = var.redis_node_type
  num_cache_clusters   = local.production ? 2 : 1
  port                 = 6379

  subnet_group_name  = aws_elasticache_subnet_group.redis.name
  security_group_ids = [aws_security_group.redis.id]

  automatic_failover_enabled = local.production
  at_rest_encryption_enabled = true
  transit_encryption_enabled = true
}

# ---- what the pods read ----------------------------------------------------------------------

# The PII "hash" operator's salt: the same on every pod, so one value hashes alike.
resource "random_password" "pii_hash" {
  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "app" {
  name        = "${local.prefix}/app"
  description = "Environment for the AURIXA API and worker pods (see deploy/README.md)"
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode(merge(
    {
      DATABASE_URL       = "postgresql+asyncpg://aurixa:${random_password.db.result}@${aws_db_instance.postgres.endpoint}/aurixa"
      REDIS_URL          = "rediss://${aws_elasticache_replication_group.redis.primary_endpoint_address}:6379/0"
      TEMPORAL_ADDRESS   = var.temporal_address
      TEMPORAL_NAMESPACE = var.temporal_namespace
      TEMPORAL_TLS       = var.temporal_api_key != "" ? "true" : "false"
      TEMPORAL_API_KEY   = var.temporal_api_key
      QDRANT_URL         = var.qdrant_url
      QDRANT_API_KEY     = var.qdrant_api_key
      PAYLOAD_KEYS       = var.payload_keys
      PII_HASH_SECRET    = random_password.pii_hash.result
    },
    var.llm_api_keys,
  ))
}
