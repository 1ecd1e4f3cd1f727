import type { components, operations } from './generated/openapi.ts';

type Schemas = components['schemas'];
export type Product = Schemas['Product'];
export type Category = Schemas['Category'];
export type Location = Schemas['Location'];
export type StockLevel = Schemas['StockLevel'];
export type StockAdjustment = Schemas['StockAdjustment'];
export type Cart = Schemas['Cart'];
export type Order = Schemas['Order'];
export type PaymentIntent = Schemas['PaymentIntent'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type Event = Schemas['Event'];
export type ApiKey = Schemas['ApiKey'];
export type Tenant = Schemas['Tenant'];

export type OperationId = keyof operations;
/** The query parameters of an operation, such as `QueryOf<'listProducts'>`. */
export type QueryOf<Id extends OperationId> = NonNullable<operations[Id]['parameters']['query']>;
/** The JSON body of an operation, such as `BodyOf<'createProduct'>`. */
export type BodyOf<Id extends OperationId> = NonNullable<
  operations[Id]['requestBody']
>['content']['application/json'];
