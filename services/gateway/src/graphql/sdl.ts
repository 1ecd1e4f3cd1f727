/** The public GraphQL schema. Field names are camelCase; each maps to the REST field in snake_case. */
export const SDL = /* GraphQL */ `
  """
  Bazaar's public GraphQL API: the same resources, keys, scopes and rate limits as the REST API under /v1.
  Money is an integer of minor units with an ISO 4217 currency.
  """
  schema {
    query: Query
    mutation: Mutation
  }

  type Query {
    "Products, newest last. Publishable keys see active products only. Scope products:read."
    products(
      "Page size, 1 to 100."
      first: Int = 20
      "The endCursor of the previous page."
      after: String
      categoryId: ID
      "draft, active or archived (secret keys only; publishable keys always get active)."
      status: String
      "Only products changed at or after this RFC 3339 time."
      updatedSince: String
    ): ProductConnection!
    "A product by id (prod_…) or slug. Scope products:read."
    product(id: ID!): Product
    "Categories. Scope products:read."
    categories(first: Int = 20, after: String): CategoryConnection!
    "A category by id (cat_…) or slug. Scope products:read."
    category(id: ID!): Category
    "The stock of the given variants (1 to 100) at each location that has held them. Scope inventory:read."
    stockLevels(variantIds: [ID!]!, locationId: ID): [StockLevel!]!
    "A cart. Scope carts:read."
    cart(id: ID!): Cart
    "Orders (secret keys only). Scope orders:read."
    orders(first: Int = 20, after: String, status: String): OrderConnection!
    "An order (secret keys only). Scope orders:read."
    order(id: ID!): Order
  }

  type Mutation {
    "Creates a cart. Scope carts:write."
    createCart(currency: String!): Cart!
    "Adds a variant at its current price, or more of one already in the cart. Scope carts:write."
    addCartLine(cartId: ID!, variantId: ID!, quantity: Int!): Cart!
    "Changes the quantity of a line. Scope carts:write."
    updateCartLine(cartId: ID!, lineId: ID!, quantity: Int!): Cart!
    "Removes a line. Scope carts:write."
    removeCartLine(cartId: ID!, lineId: ID!): Cart!
    """
    Reserves the stock, authorizes and captures the payment and places the order, or fails with an error a
    customer can read (payment_declined and others, as REST). Scope carts:write.
    """
    checkout(cartId: ID!, input: CheckoutInput!): Order!
    "Cancels an order before anything ships: refunds and restocks (secret keys only). Scope orders:write."
    cancelOrder(id: ID!, reason: String): Order!
  }

  type PageInfo {
    hasNextPage: Boolean!
    "Pass it as after to get the next page; null for an empty page."
    endCursor: String
  }

  type Money {
    currency: String!
    "Minor units."
    amount: Int!
  }

  type ProductOption {
    name: String!
    values: [String!]!
  }

  type VariantOption {
    name: String!
    value: String!
  }

  type Variant {
    id: ID!
    sku: String!
    options: [VariantOption!]!
    prices: [Money!]!
    "Units that can be sold now, over all locations; null when inventory cannot say."
    available: Int
  }

  type Product {
    id: ID!
    name: String!
    slug: String!
    status: String!
    description: String!
    categoryIds: [ID!]!
    categories: [Category!]!
    options: [ProductOption!]!
    variants: [Variant!]!
    createdAt: String!
    updatedAt: String!
  }

  type ProductEdge {
    cursor: String!
    node: Product!
  }

  type ProductConnection {
    edges: [ProductEdge!]!
    nodes: [Product!]!
    pageInfo: PageInfo!
  }

  type Category {
    id: ID!
    name: String!
    slug: String!
    parentId: ID
    parent: Category
    description: String!
    createdAt: String!
    updatedAt: String!
  }

  type CategoryEdge {
    cursor: String!
    node: Category!
  }

  type CategoryConnection {
    edges: [CategoryEdge!]!
    nodes: [Category!]!
    pageInfo: PageInfo!
  }

  type StockLevel {
    variantId: ID!
    locationId: ID!
    onHand: Int!
    reserved: Int!
    available: Int!
    updatedAt: String!
  }

  type CartLine {
    id: ID!
    variantId: ID!
    productId: ID!
    sku: String!
    name: String!
    unitAmount: Int!
    quantity: Int!
    total: Int!
  }

  type Cart {
    id: ID!
    currency: String!
    "active, checked_out or expired."
    status: String!
    lines: [CartLine!]!
    subtotal: Int!
    taxTotal: Int!
    shippingTotal: Int!
    discountTotal: Int!
    total: Int!
    orderId: ID
    createdAt: String!
    updatedAt: String!
    expiresAt: String!
  }

  input AddressInput {
    name: String!
    line1: String!
    line2: String
    city: String!
    region: String
    postalCode: String!
    "ISO 3166-1 alpha-2, such as US."
    country: String!
    phone: String
  }

  input PaymentInput {
    "card"
    method: String!
    cardNumber: String!
  }

  input CheckoutInput {
    email: String!
    shippingAddress: AddressInput!
    payment: PaymentInput!
  }

  type Address {
    name: String!
    line1: String!
    line2: String!
    city: String!
    region: String!
    postalCode: String!
    country: String!
    phone: String!
  }

  type OrderLine {
    id: ID!
    variantId: ID!
    productId: ID!
    sku: String!
    name: String!
    unitAmount: Int!
    quantity: Int!
    total: Int!
    fulfilledQuantity: Int!
    returnedQuantity: Int!
  }

  type LineQuantity {
    lineId: ID!
    quantity: Int!
  }

  type Fulfillment {
    id: ID!
    trackingNumber: String!
    carrier: String!
    lines: [LineQuantity!]!
    createdAt: String!
  }

  type Refund {
    id: ID!
    amount: Int!
    reason: String!
    createdAt: String!
  }

  type Return {
    id: ID!
    lines: [LineQuantity!]!
    restock: Boolean!
    refundAmount: Int!
    createdAt: String!
  }

  type Order {
    id: ID!
    status: String!
    cartId: ID!
    email: String!
    shippingAddress: Address!
    currency: String!
    lines: [OrderLine!]!
    subtotal: Int!
    taxTotal: Int!
    shippingTotal: Int!
    discountTotal: Int!
    total: Int!
    amountRefunded: Int!
    paymentStatus: String!
    fulfillmentStatus: String!
    paymentIntentId: ID
    failureCode: String
    failureReason: String
    fulfillments: [Fulfillment!]!
    refunds: [Refund!]!
    returns: [Return!]!
    createdAt: String!
    updatedAt: String!
  }

  type OrderEdge {
    cursor: String!
    node: Order!
  }

  type OrderConnection {
    edges: [OrderEdge!]!
    nodes: [Order!]!
    pageInfo: PageInfo!
  }
`;
