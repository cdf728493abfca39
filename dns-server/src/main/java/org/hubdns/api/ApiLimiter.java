package org.hubdns.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps one client from taking a member's API for itself ({@link ApiLimits}): the first handler
 * of the router charges every request to its client address and, when it carries one, its bearer
 * token (reads and writes apart); over either limit it gets 429 with {@code Retry-After}. Failed
 * authentications count apart, per address, and are checked only once a request has failed to
 * authenticate ({@link #authFailed}): a request with a valid token is never refused because of
 * them, and a failed one is given back to the address's read or write bucket, so a flood of bad
 * tokens does not use up what the address's valid requests may send either. It also counts failed
 * authentications by reason and logs them (a WARN at most once a minute per address), and holds
 * the large-upload slots ({@link #acquireUpload}).
 *
 * <p>Tokens and addresses are kept as keyed 64-bit hashes in fixed tables ({@link RateTable}):
 * never a token, and no growth under a flood of made-up ones. The limits are per member.
 */
public final class ApiLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(ApiLimiter.class);
    /** Where the router's first handler leaves this limiter for {@link #of}. */
    private static final String KEY = "hubdns.limiter";
    private static final String CHARGE = "hubdns.limiter.charge";
    private static final String FAILED = "hubdns.limiter.failed";
    /** Addresses whose last auth-failure WARN is remembered; beyond, the oldest is forgotten. */
    private static final int WARNED_ADDRESSES = 4096;
    private static final long WARN_EVERY_MS = 60_000;
    /** What a refused large upload is told to wait: uploads of hundreds of MiB take seconds. */
    static final int UPLOAD_RETRY_SECONDS = 10;

    private final ApiLimits limits;
    private final RateTable addressReads;
    private final RateTable addressWrites;
    private final RateTable tokenReads;
    private final RateTable tokenWrites;
    private final RateTable addressFailures;
    private final long seed = new SecureRandom().nextLong();
    private final Map<AuthFailure, LongAdder> failures = new EnumMap<>(AuthFailure.class);
    private final Map<Limit, LongAdder> refused = new EnumMap<>(Limit.class);
    private final Semaphore uploads;
    private final Map<String, long[]> warned = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > WARNED_ADDRESSES;
        }
    };

    /** What a 429 or 503 was for: the {@code limit} label of {@code hubdns_api_limited_total}. */
    public enum Limit {
        READ, WRITE, AUTH_FAILURE, LARGE_UPLOAD;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** What the request was charged, to give back if it fails to authenticate. */
    private record Charge(RateTable byAddress, long address, RateTable byToken, long token) {
        void refund() {
            byAddress.refund(address);
            if (token != 0) {
                byToken.refund(token);
            }
        }
    }

    public ApiLimiter(ApiLimits limits) {
        this.limits = limits;
        int size = limits.tableSize();
        addressReads = limits.readRate() == 0 ? null : new RateTable(size, limits.readRate(), limits.readBurst());
        tokenReads = limits.readRate() == 0 ? null : new RateTable(size, limits.readRate(), limits.readBurst());
        addressWrites = limits.writeRate() == 0 ? null : new RateTable(size, limits.writeRate(), limits.writeBurst());
        tokenWrites = limits.writeRate() == 0 ? null : new RateTable(size, limits.writeRate(), limits.writeBurst());
        addressFailures = limits.authFailureRate() == 0 ? null
                : new RateTable(size, limits.authFailureRate(), limits.authFailureBurst());
        for (AuthFailure f : AuthFailure.values()) {
            failures.put(f, new LongAdder());
        }
        for (Limit l : Limit.values()) {
            refused.put(l, new LongAdder());
        }
        uploads = new Semaphore(limits.largeUploads());
    }

    public ApiLimits limits() {
        return limits;
    }

    /** The limiter that saw this request first, or null (a router without one, as in some tests). */
    static ApiLimiter of(RoutingContext ctx) {
        return ctx.get(KEY) instanceof ApiLimiter l ? l : null;
    }

    /** Failed authentications counted so far for {@code reason}. */
    public long authFailures(AuthFailure reason) {
        return failures.get(reason).sum();
    }

    /** Requests refused so far by {@code limit}. */
    public long refused(Limit limit) {
        return refused.get(limit).sum();
    }

    /** The router's first handler, on the event loop: charges the request or refuses it with 429. */
    public void handle(RoutingContext ctx) {
        ctx.put(KEY, this);
        boolean write = isWrite(ctx.request().method());
        RateTable byAddress = write ? addressWrites : addressReads;
        if (byAddress == null) {
            ctx.next();
            return;
        }
        RateTable byToken = write ? tokenWrites : tokenReads;
        long now = System.nanoTime();
        String address = address(ctx);
        long a = addressKey(address);
        long wait = byAddress.take(a, now);
        long t = tokenKey(ctx);
        boolean tokenOver = false;
        if (wait == 0 && t != 0) {
            wait = byToken.take(t, now);
            if (wait != 0) {
                tokenOver = true;
                byAddress.refund(a);
            }
        }
        if (wait != 0) {
            refused.get(write ? Limit.WRITE : Limit.READ).increment();
            int rate = write ? limits.writeRate() : limits.readRate();
            tooMany(ctx, wait, "more than " + rate + " " + (write ? "writes" : "reads") + " a second "
                    + (tokenOver ? "with this token" : "from " + address) + " (burst " + (write ? limits.writeBurst()
                    : limits.readBurst()) + "); slow down and retry after the Retry-After seconds");
            return;
        }
        ctx.put(CHARGE, new Charge(byAddress, a, byToken, t));
        ctx.next();
    }

    /**
     * A request failed to authenticate ({@code ApiException.unauthorized}): counted and logged; its
     * read or write charge is given back; charged to the address's failure bucket instead.
     *
     * @return true when the address is over its failure limit and a 429 was sent instead of the 401
     */
    boolean authFailed(RoutingContext ctx, AuthFailure reason) {
        if (ctx.get(FAILED) != null) {
            return false; // counted once per request
        }
        ctx.put(FAILED, Boolean.TRUE);
        failures.get(reason).increment();
        Charge charge = ctx.remove(CHARGE);
        if (charge != null) {
            charge.refund();
        }
        String address = address(ctx);
        warn(address, reason, ctx);
        if (addressFailures == null) {
            return false;
        }
        long wait = addressFailures.take(addressKey(address), System.nanoTime());
        if (wait == 0) {
            return false;
        }
        refused.get(Limit.AUTH_FAILURE).increment();
        tooMany(ctx, wait, "more than " + limits.authFailureRate() + " failed authentications a second from "
                + address + " (burst " + limits.authFailureBurst() + "); check the token your client sends "
                + "(requests with a valid token are not limited by this), then retry after the Retry-After seconds");
        return true;
    }

    /**
     * Takes one of this member's large-upload slots until the request's response ends (or its
     * connection closes).
     *
     * @return false when all are taken: a 503 with {@code Retry-After} was sent
     */
    public boolean acquireUpload(RoutingContext ctx) {
        if (!uploads.tryAcquire()) {
            refused.get(Limit.LARGE_UPLOAD).increment();
            ctx.response().putHeader("Retry-After", Integer.toString(UPLOAD_RETRY_SECONDS));
            closeAfterResponse(ctx);
            Problem.send(ctx, 503, "Service Unavailable", "this member is already receiving "
                    + limits.largeUploads() + " large uploads (GeoIP, coverage zones, table dumps); retry in "
                    + UPLOAD_RETRY_SECONDS + " s or send it to another member");
            return false;
        }
        AtomicBoolean released = new AtomicBoolean();
        ctx.addEndHandler(v -> {
            if (released.compareAndSet(false, true)) {
                uploads.release();
            }
        });
        return true;
    }

    /** Large uploads being received now. */
    public int uploadsInProgress() {
        return limits.largeUploads() - uploads.availablePermits();
    }

    /**
     * After a refusal the rest of the body is not read: an HTTP/1.x connection is closed once the
     * problem is sent (announced with Connection: close); an HTTP/2 connection carries other streams.
     * Through the context's end handlers, which several parts of a request may add.
     */
    static void closeAfterResponse(RoutingContext ctx) {
        if (ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            ctx.response().putHeader("Connection", "close");
            ctx.addEndHandler(v -> ctx.request().connection().close());
        }
    }

    private void warn(String address, AuthFailure reason, RoutingContext ctx) {
        long now = System.currentTimeMillis();
        long more;
        synchronized (warned) {
            long[] w = warned.get(address);
            if (w != null && now - w[0] < WARN_EVERY_MS) {
                w[1]++;
                return;
            }
            more = w == null ? 0 : w[1];
            warned.put(address, new long[] {now, 0});
        }
        LOG.warn("API authentication failed from {}: {} ({} {}){}; this address's next failures are logged at most "
                + "once a minute (all are counted in hubdns_api_auth_failures_total)", address, describe(reason),
                ctx.request().method(), ctx.request().path(),
                more == 0 ? "" : "; " + more + " more failure" + (more == 1 ? "" : "s") + " since the last such line");
    }

    private static String describe(AuthFailure reason) {
        return switch (reason) {
            case MISSING -> "no bearer token";
            case INVALID -> "a token that is no admin, operator or partner token (revoked, rotated or mistyped)";
            case EXPIRED -> "an expired token";
        };
    }

    private static void tooMany(RoutingContext ctx, long waitNanos, String detail) {
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        ctx.response().putHeader("Retry-After", Long.toString(seconds));
        Problem.send(ctx, 429, "Too Many Requests", detail);
    }

    private static boolean isWrite(HttpMethod m) {
        return !(HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m) || HttpMethod.OPTIONS.equals(m));
    }

    private static String address(RoutingContext ctx) {
        SocketAddress a = ctx.request().remoteAddress();
        return a == null || a.hostAddress() == null ? "unknown" : a.hostAddress();
    }

    /** An IPv6 client is its /64 (one host usually holds all of it); an IPv4 client is its address. */
    private long addressKey(String address) {
        byte[] b;
        if (address.indexOf(':') >= 0) {
            try {
                int scope = address.indexOf('%');
                byte[] full = InetAddress.getByName(scope < 0 ? address : address.substring(0, scope)).getAddress();
                b = java.util.Arrays.copyOf(full, Math.min(8, full.length));
            } catch (UnknownHostException e) {
                b = address.getBytes(StandardCharsets.UTF_8); // a literal never needs a lookup; keep it whole
            }
        } else {
            b = address.getBytes(StandardCharsets.UTF_8);
        }
        return hash('A', b);
    }

    /** 0 without a bearer token. */
    private long tokenKey(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return 0;
        }
        String token = h.substring(7).strip();
        return token.isEmpty() ? 0 : hash('T', token.getBytes(StandardCharsets.UTF_8));
    }

    /** Keyed with a secret per member, so nobody can aim many clients at one slot of a table. */
    private long hash(char tag, byte[] b) {
        long h = seed ^ (tag * 0x9E3779B97F4A7C15L);
        for (byte x : b) {
            h = (h ^ (x & 0xff)) * 0x100000001B3L;
            h ^= h >>> 29;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
