package dev.skep.monitor.react;

import java.io.IOException;

/**
 * A failed delivery whose message is safe to show the app's owner: it says that delivery failed, never why (a
 * refused port, a timeout or an answer would tell a tenant about the internal network). The operator's log has why.
 */
public final class DeliveryFailed extends IOException {

    public DeliveryFailed(String message) {
        super(message);
    }
}
