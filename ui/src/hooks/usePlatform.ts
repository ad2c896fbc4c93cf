import { getServices } from "../app/services";
import type { Platform } from "../platform/platform";

export function usePlatform(): Platform {
  return getServices().platform;
}
