import type { LiaoClient } from "../protocol/client";
import type { Platform } from "../platform/platform";

interface Services {
  client: LiaoClient;
  platform: Platform;
}

let services: Services | null = null;

export function provideServices(s: Services): void {
  services = s;
}

export function getServices(): Services {
  if (!services) throw new Error("services not provided");
  return services;
}
