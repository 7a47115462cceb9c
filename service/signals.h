#pragma once

// Graceful shutdown for `prova serve` and `prova worker`: SIGINT and SIGTERM are blocked in every
// thread (call BlockShutdownSignals() before starting any) and received synchronously by one.

namespace prova::service {

void BlockShutdownSignals();
// Waits for SIGINT or SIGTERM; returns the signal number.
int WaitForShutdownSignal();

}  // namespace prova::service
