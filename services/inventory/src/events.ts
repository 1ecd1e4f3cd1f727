import { eventMaker } from '@bazaar/kit';
/** The events inventory publishes, with their data. */
export interface InventoryEvents {
  /** A stock level changed: its new numbers. */
  'stock.changed': {
    variant_id: string;
    location_id: string;
    on_hand: number;
    reserved: number;
    available: number;
  };
  /** The variant's available units, over all locations, just reached zero. */
  'stock.depleted': { variant_id: string };
  /** A reservation was not committed in time; its units are available again. */
  'reservation.expired': { reference: string };
}

export const inventoryEvent = eventMaker<InventoryEvents>();
