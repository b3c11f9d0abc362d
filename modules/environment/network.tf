# The network: a VPC with public subnets for the load balancer and private
# subnets for the tasks, or the caller's (existing_network). Private tasks
# reach ECR, CloudWatch Logs and SSM through a NAT gateway or through VPC
# endpoints (task_network).

locals {
  create_vpc = var.existing_network == null
  zones      = var.availability_zones

  create_private_subnets = local.create_vpc && var.task_network != "public"
  nat_gateways           = local.create_vpc && var.task_network == "private_nat" ? (var.single_nat_gateway ? 1 : length(local.zones)) : 0
  create_endpoints       = local.create_vpc && var.task_network == "private_endpoints"

  vpc_id             = local.create_vpc ? aws_vpc.this[0].id : var.existing_network.vpc_id
  public_subnet_ids  = local.create_vpc ? aws_subnet.public[*].id : var.existing_network.public_subnet_ids
  private_subnet_ids = local.create_vpc ? aws_subnet.private[*].id : var.existing_network.private_subnet_ids
  task_subnet_ids    = var.task_network == "public" ? local.public_subnet_ids : local.private_subnet_ids

  # Interface endpoints a Fargate task needs without internet: pulling from
  # ECR (image layers come from S3, a gateway endpoint), awslogs, and the
  # configuration from SSM. No KMS endpoint: SSM decrypts SecureStrings
  # itself (the kms:ViaService grant), the task never calls KMS.
  interface_endpoints = ["ecr.api", "ecr.dkr", "logs", "ssm"]
}

data "aws_region" "current" {}

resource "aws_vpc" "this" {
  count                = local.create_vpc ? 1 : 0
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = local.prefix })
}

resource "aws_internet_gateway" "this" {
  count  = local.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  tags   = merge(local.tags, { Name = local.prefix })
}

resource "aws_subnet" "public" {
  count                   = local.create_vpc ? length(local.zones) : 0
  vpc_id                  = aws_vpc.this[0].id
  cidr_block              = cidrsubnet(var.vpc_cidr, 24 - tonumber(split("/", var.vpc_cidr)[1]), count.index)
  availability_zone       = local.zones[count.index]
  map_public_ip_on_launch = var.task_network == "public"
  tags                    = merge(local.tags, { Name = "${local.prefix}-public-${local.zones[count.index]}" })
}

resource "aws_route_table" "public" {
  count  = local.create_vpc ? 1 : 0
  vpc_id = aws_vpc.this[0].id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[0].id
  }
  tags = merge(local.tags, { Name = "${local.prefix}-public" })
}

resource "aws_route_table_association" "public" {
  count          = local.create_vpc ? length(local.zones) : 0
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_subnet" "private" {
  count             = local.create_private_subnets ? length(local.zones) : 0
  vpc_id            = aws_vpc.this[0].id
  cidr_block        = cidrsubnet(var.vpc_cidr, 24 - tonumber(split("/", var.vpc_cidr)[1]), 10 + count.index)
  availability_zone = local.zones[count.index]
  tags              = merge(local.tags, { Name = "${local.prefix}-private-${local.zones[count.index]}" })
}

resource "aws_eip" "nat" {
  count  = local.nat_gateways
  domain = "vpc"
  tags   = merge(local.tags, { Name = "${local.prefix}-nat-${local.zones[count.index]}" })
}

resource "aws_nat_gateway" "this" {
  count         = local.nat_gateways
  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id
  tags          = merge(local.tags, { Name = "${local.prefix}-${local.zones[count.index]}" })

  depends_on = [aws_internet_gateway.this]
}

# One route table per private subnet, so each zone can use its own NAT
# gateway (or the single one).
resource "aws_route_table" "private" {
  count  = local.create_private_subnets ? length(local.zones) : 0
  vpc_id = aws_vpc.this[0].id

  dynamic "route" {
    for_each = local.nat_gateways > 0 ? [aws_nat_gateway.this[min(count.index, local.nat_gateways - 1)].id] : []
    content {
      cidr_block     = "0.0.0.0/0"
      nat_gateway_id = route.value
    }
  }
  tags = merge(local.tags, { Name = "${local.prefix}-private-${local.zones[count.index]}" })
}

resource "aws_route_table_association" "private" {
  count          = local.create_private_subnets ? length(local.zones) : 0
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

resource "aws_security_group" "endpoints" {
  count       = local.create_endpoints ? 1 : 0
  name        = "${local.prefix}-endpoints"
  description = "HTTPS from the VPC to the interface endpoints of ${local.prefix}"
  vpc_id      = aws_vpc.this[0].id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
  tags = local.tags
}

resource "aws_vpc_endpoint" "interface" {
  for_each            = toset(local.create_endpoints ? local.interface_endpoints : [])
  vpc_id              = aws_vpc.this[0].id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true
  tags                = merge(local.tags, { Name = "${local.prefix}-${each.key}" })
}

resource "aws_vpc_endpoint" "s3" {
  count             = local.create_endpoints ? 1 : 0
  vpc_id            = aws_vpc.this[0].id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id
  tags              = merge(local.tags, { Name = "${local.prefix}-s3" })
}
