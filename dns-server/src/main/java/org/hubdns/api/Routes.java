package org.hubdns.api;

import io.vertx.ext.web.Router;

/** A group of routes {@link HttpApi} mounts on the member's one router, in the order given. */
public interface Routes {
    /** @param api runs a route's work off the event loop with the caller's token checked */
    void mount(Router router, RegistryApi api);
}
