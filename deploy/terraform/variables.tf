variable "name" {
  description = "Prefix for every resource (one deployment per name)."
  type        = string
  default     = "aurixa"
}

variable "environment" {
  description = "staging or production; production turns on deletion protection and Multi-AZ."
  type        = string
  default     = "staging"

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be staging or production."
  }
}

variable "region" {
  description = "AWS region. Pick one your BAA with AWS covers for PHI."
  type        = string
  default     = "us-west-2"
}

variable "vpc_cidr" {
  description = "Address space of the VPC; three public and three private subnets are cut from it."
  type        = string
  default     = "10.40.0.0/16"
}

variable "kubernetes_version" {
  description = "EKS control plane version."
  type        = string
  default     = "1.30"
}

variable "node_instance_types" {
  description = "Worker node types. The worker holds every model in memory (about 1 GB per pod)."
  type        = list(string)
  default     = ["m6i.large"]
}

variable "node_min" {
  description = "Fewest nodes."
  type        = number
  default     = 2
}

variable "node_max" {
  description = "Most nodes the cluster autoscaler may add."
  type        = number
  default     = 6
}

variable "db_instance_class" {
  description = "RDS PostgreSQL instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "db_allocated_storage_gb" {
  description = "Initial storage; it grows on its own up to ten times this."
  type        = number
  default     = 50
}

variable "redis_node_type" {
  description = "ElastiCache node type for the rate limiter."
  type        = string
  default     = "cache.t4g.small"
}

variable "temporal_address" {
  description = "host:port of the Temporal frontend (Temporal Cloud: <namespace>.<account>.tmprl.cloud:7233)."
  type        = string
}

variable "temporal_api_key" {
  description = "Temporal Cloud API key (turns TLS on); empty for a self-hosted cluster inside the VPC."
  type        = string
  default     = ""
  sensitive   = true
}

variable "temporal_namespace" {
  description = "Temporal namespace the API and workers use."
  type        = string
  default     = "default"
}

variable "qdrant_url" {
  description = "URL of the Qdrant server or cluster (https://...:6333)."
  type        = string
}

variable "qdrant_api_key" {
  description = "Qdrant API key, stored in Secrets Manager; empty when the server has none."
  type        = string
  default     = ""
  sensitive   = true
}

variable "payload_keys" {
  description = "PAYLOAD_KEYS for the Temporal payload codec (id=<base64 32 bytes>[,old=...]). Required: without it each pod would make its own key."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]+=[A-Za-z0-9+/]{43}=", var.payload_keys))
    error_message = "payload_keys must start with id=<base64 of 32 bytes>."
  }
}

variable "llm_api_keys" {
  description = "Provider keys by environment variable name (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...)."
  type        = map(string)
  default     = {}
  sensitive   = true
}
