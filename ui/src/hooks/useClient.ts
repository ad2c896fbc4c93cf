import { getServices } from "../app/services";
import type { LiaoClient } from "../protocol/client";

export function useClient(): LiaoClient {
  return getServices().client;
}
