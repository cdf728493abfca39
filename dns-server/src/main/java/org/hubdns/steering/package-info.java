/**
 * Answers for platform hostnames, built from the registry view into the snapshot. For now every
 * client gets the platform's active nodes (or its fallback when none can serve); issue 5 replaces
 * this with steering by client location. Configured through the platform and node API; no metrics yet.
 */
package org.hubdns.steering;
