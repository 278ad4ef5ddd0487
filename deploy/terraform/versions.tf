# AURIXA on AWS: network, Kubernetes (EKS), PostgreSQL (RDS), Redis (ElastiCache) and the
# secrets the pods read. Temporal and Qdrant are endpoints you bring (Temporal Cloud or a
# self-hosted cluster; Qdrant Cloud or a self-hosted cluster), passed in as variables.
terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # State holds the database password: keep it in an encrypted, locked remote backend.
  # Fill in and uncomment, or pass -backend-config at `terraform init`.
  # backend "s3" {
  #   bucket         = "my-terraform-state"
  #   key            = "aurixa/terraform.tfstate"
  #   region         = "us-west-2"
  #   dynamodb_table = "terraform-locks"
  #   encrypt        = true
  # }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}
