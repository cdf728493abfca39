package org.hubdns.cluster.feed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.hubdns.cluster.coverage.Cidr;
import org.hubdns.cluster.coverage.PrefixTable;

/**
 * The routes of one coverage feed, kept per BGP session, prefix and path id (RFC 7911; 0 without
 * ADD-PATH): an announcement replaces the session's earlier route for the same prefix and path id
 * (implicit withdraw), a withdraw removes it, a session going down removes every route heard on it,
 * and {@link #clear()} empties the table before a full table dump is loaded.
 *
 * <p><b>What a route keeps.</b> The announcer (the exchange member: AS and address), the first AS,
 * the origin AS (the last one) and the AS path's length: what placement ranks by and what explain
 * shows. Not the AS path in between: a full table from 20 peers holds millions of distinct paths,
 * which alone would exceed the memory budget, so {@link #pathOf} gives the first and the origin AS
 * (the whole path when it has at most two ASes).
 *
 * <p><b>Layout.</b> No object per route. Distinct route attributes (session, announcer, first AS,
 * path id, origin AS, path length) are interned into columns: a route server's member announces
 * many prefixes with the same attributes, so there are far fewer of them than routes. A prefix is a
 * row of an open-addressing table (columnar primitive arrays) pointing at its list of attribute
 * references in a paged {@code int} arena: a route costs 4 bytes. Lists grow in place at the
 * arena's tail (a table dump arrives grouped by prefix, so a dump fills the arena without a hole)
 * and move to the tail otherwise; the holes, empty prefixes and attributes no route uses any more
 * are reclaimed by a compaction (in place) once they make up a quarter of the table, and by
 * {@link #trim()}, which the store calls after loading a dump. Measured (FeedScaleTest): 20 full
 * tables, 24 M routes on 1.2 M prefixes, take about 153 MB after trim() and load in about 2.4 s of
 * CPU; one full table (1 M routes) about 50 MB.
 *
 * <p><b>Changes.</b> {@link #changes()} moves with every change (a store can skip rebuilding after
 * a batch that changed nothing), and the table records which prefixes changed so that
 * {@link FeedPlacements.Updater} patches the placement instead of ranking every route again.
 *
 * <p><b>Threading.</b> Every public method is {@code synchronized} on the table: meant for one
 * writer thread (the feed's store applying uploads and updates) with occasional readers on other
 * threads (statistics, export, explain), which wait for the current call, never for a whole batch.
 * {@link FeedPlacements#build} reads the tables under their monitors too, so it may run on any
 * thread; it is cheapest on the writer's.
 */
public final class FeedRoutes implements RouteSink {

    /** An announcer seen in the routes: {@code key()} is the peers map's AS key; address may be null. */
    public record Peer(long as, String address, int routes) {
        public String key() {
            return "AS" + as;
        }
    }

    /** One route as {@link #forEach} streams it out and {@link #put} takes it back. */
    @FunctionalInterface
    public interface RouteVisitor {
        /**
         * @param prefix 4 or 16 bytes, reused between calls
         * @param announcerAddress 4 or 16 bytes or null, shared: copy it to keep it
         */
        void route(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
                byte[] announcerAddress, long firstAs, long originAs, int pathLength);
    }

    /** More paths than this for one prefix (over all sessions) are dropped and counted. */
    public static final int MAX_PATHS_PER_PREFIX = 65_535;
    /** Longer AS paths count as this long (the ranking saturates). */
    public static final int MAX_PATH_LENGTH = 255;

    // A page holds the largest list (cap <= 65,535) and stays under half of G1's smallest region
    // (1 MiB): a larger array would be "humongous" and take a whole region, doubling the arena.
    private static final int PAGE_BITS = 16;
    private static final int PAGE = 1 << PAGE_BITS;
    private static final int PAGE_MASK = PAGE - 1;

    // ---- sessions: few, by name
    private final Map<String, Integer> sessionIds = new HashMap<>();
    private final List<String> sessions = new ArrayList<>();
    private String lastSession;
    private int lastSessionId;
    // per session, the last source it used: a dump's peer (and a live feed's member) repeats it
    private int[] sessionSource = new int[8];

    // ---- announcers (AS, address): few; route counts for the statistics
    private long[] annAs = new long[16];
    private byte[][] annAddr = new byte[16][];
    private int[] annRoutes = new int[16];
    private int nAnn;
    private int[] annSlots = new int[32]; // id + 1, 0 free

    // ---- sources (session, announcer, first AS): few
    private int[] srcSession = new int[16];
    private int[] srcAnn = new int[16];
    private int[] srcFirst = new int[16];
    private int nSrc;
    private int[] srcSlots = new int[32];

    // ---- attributes (source, path id, origin AS, path length): the routes' values. Most routes
    // of a prefix have the prefix's origin (pOrigin, set by its first route), so their attribute
    // leaves the origin out (attrLen without EXPLICIT_ORIGIN): then a peer's routes share a few
    // dozen attributes (one per path length) instead of one per origin AS.
    private int[] attrSrc = new int[64];
    private int[] attrPathId = new int[64];
    private int[] attrOrigin = new int[64];
    private char[] attrLen = new char[64];
    private int nAttr;
    private int[] attrSlots = new int[128];
    private int attrsAfterCompaction;

    // ---- prefixes: v4 as hi = address (unsigned), lo = 0; flags: v6, bogon
    private long[] pHi = new long[64];
    private long[] pLo = new long[64];
    private byte[] pLen = new byte[64];
    private byte[] pFlags = new byte[64];
    private int[] pOff = new int[64];
    private char[] pCount = new char[64];
    private char[] pCap = new char[64];
    private int[] pSessions = new int[64]; // bit (session & 31) set when the session may have a route here
    private int[] pOrigin = new int[64];
    private int nPrefix;
    private int emptyPrefixes;
    private int[] pSlots = new int[128];
    private int lastPrefix = -1;

    static final int EXPLICIT_ORIGIN = 0x100;
    static final byte V6 = 1;
    static final byte BOGON = 2;
    static final byte DIRTY = 4;

    // ---- rows changed since the placement was last updated (FeedPlacements.Updater)
    private int[] dirty = new int[64];
    private int nDirty;
    private boolean allDirty = true;

    // ---- the arena of attribute references
    private int[][] pages = new int[0][];
    private int tail;
    private int holes;

    private int v4Routes;
    private int v6Routes;
    private long dropped;
    private long changes;

    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** The order in which {@link FeedPlacements#build} takes several tables' monitors (no deadlock). */
    final long lockOrder = SEQUENCE.incrementAndGet();

    // =================================================================== RouteSink

    @Override
    public synchronized void announce(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
            byte[] announcerAddress, long[] asPath) {
        int n = asPath == null ? 0 : asPath.length;
        long first = n == 0 ? 0 : asPath[0];
        long origin = n == 0 ? announcerAs : asPath[n - 1]; // an empty path: the announcer originated it
        put0(session, prefix, prefixLength, pathId, announcerAs, announcerAddress, first, origin, n);
    }

    /** As {@link #announce}, with the path given as what a route keeps (for reloading {@link #forEach}'s output). */
    public synchronized void put(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
            byte[] announcerAddress, long firstAs, long originAs, int pathLength) {
        put0(session, prefix, prefixLength, pathId, announcerAs, announcerAddress, firstAs, originAs, pathLength);
    }

    @Override
    public synchronized void withdraw(String session, byte[] prefix, int prefixLength, long pathId) {
        Integer s = sessionIds.get(session);
        if (s == null) {
            return;
        }
        int p = findPrefix(prefix, prefixLength);
        if (p < 0 || (pSessions[p] & (1 << (s & 31))) == 0) {
            return;
        }
        int pid = (int) pathId;
        int off = pOff[p];
        int count = pCount[p];
        for (int i = 0; i < count; i++) {
            int a = ref(off + i);
            if (srcSession[attrSrc[a]] == s && attrPathId[a] == pid) {
                removeAt(p, i);
                break;
            }
        }
        refreshSessions(p);
        maybeCompact();
    }

    @Override
    public synchronized void sessionDown(String session) {
        Integer s = sessionIds.get(session);
        if (s == null) {
            return;
        }
        int bit = 1 << (s & 31);
        for (int p = 0; p < nPrefix; p++) {
            if ((pSessions[p] & bit) == 0) {
                continue;
            }
            int off = pOff[p];
            for (int i = pCount[p] - 1; i >= 0; i--) {
                if (srcSession[attrSrc[ref(off + i)]] == s) {
                    removeAt(p, i);
                }
            }
            refreshSessions(p);
        }
        maybeCompact();
    }

    /** Forgets every route (a table dump replaces the feed's routes). */
    public synchronized void clear() {
        sessionIds.clear();
        sessions.clear();
        lastSession = null;
        sessionSource = new int[8];
        nAnn = 0;
        annAs = new long[16];
        annAddr = new byte[16][];
        annRoutes = new int[16];
        annSlots = new int[32];
        nSrc = 0;
        srcSession = new int[16];
        srcAnn = new int[16];
        srcFirst = new int[16];
        srcSlots = new int[32];
        resetAttrs(64);
        resetPrefixes(64);
        pages = new int[0][];
        tail = 0;
        holes = 0;
        v4Routes = 0;
        v6Routes = 0;
        dropped = 0;
        changes++;
        nDirty = 0;
        allDirty = true;
        attrsAfterCompaction = 0;
    }

    // =================================================================== statistics

    public synchronized int ipv4Routes() {
        return v4Routes;
    }

    public synchronized int ipv6Routes() {
        return v6Routes;
    }

    public synchronized int size() {
        return v4Routes + v6Routes;
    }

    /** Distinct prefixes with at least one route. */
    public synchronized int prefixes() {
        return nPrefix - emptyPrefixes;
    }

    /**
     * A counter that moves with every change to the routes (not with an announcement that repeats a
     * route as it is): a placement built at one value is still current while it stays there, so the
     * store can skip a rebuild after a batch that changed nothing (a heartbeat, a repeated dump).
     */
    public synchronized long changes() {
        return changes;
    }

    /** Announcements dropped because a prefix already had {@link #MAX_PATHS_PER_PREFIX} paths. */
    public synchronized long dropped() {
        return dropped;
    }

    /** The announcers that have routes now, by AS then address. */
    public synchronized List<Peer> peers() {
        List<Peer> out = new ArrayList<>();
        for (int a = 0; a < nAnn; a++) {
            if (annRoutes[a] > 0) {
                out.add(new Peer(annAs[a], annAddr[a] == null ? null : Cidr.formatAddress(annAddr[a]), annRoutes[a]));
            }
        }
        out.sort(Comparator.comparingLong(Peer::as).thenComparing(Peer::address,
                Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    /** Approximate heap held by the table's arrays. */
    public synchronized long estimatedBytes() {
        long b = 8L * annAs.length + 4L * annRoutes.length + 4L * annSlots.length + 24L * nAnn
                + 12L * srcSession.length + 4L * srcSlots.length
                + 14L * attrSrc.length + 4L * attrSlots.length
                + 34L * pHi.length + 4L * pSlots.length;
        for (int[] page : pages) {
            b += 16 + 4L * page.length;
        }
        return b;
    }

    /**
     * Every route, grouped by prefix (for a compacted snapshot on disk; {@link #put} loads it back).
     * Holds the table's monitor throughout.
     */
    public synchronized void forEach(RouteVisitor visitor) {
        byte[] b4 = new byte[4];
        byte[] b6 = new byte[16];
        for (int p = 0; p < nPrefix; p++) {
            int count = pCount[p];
            if (count == 0) {
                continue;
            }
            byte[] prefix = (pFlags[p] & V6) == 0 ? b4 : b6;
            write(prefix, pHi[p], pLo[p]);
            int off = pOff[p];
            for (int i = 0; i < count; i++) {
                int a = ref(off + i);
                int src = attrSrc[a];
                int ann = srcAnn[src];
                visitor.route(sessions.get(srcSession[src]), prefix, pLen[p], Integer.toUnsignedLong(attrPathId[a]),
                        annAs[ann], annAddr[ann], Integer.toUnsignedLong(srcFirst[src]),
                        Integer.toUnsignedLong(origin(p, a)), attrLen[a] & 0xff);
            }
        }
    }

    /** An independent copy (the same routes; compacted). */
    public synchronized FeedRoutes copy() {
        FeedRoutes c = new FeedRoutes();
        forEach(c::put0);
        return c;
    }

    // =================================================================== package-private reads for FeedPlacements

    /** The announcers' sites under {@code peers}: index by announcer id; -1 where none. Caller holds the monitor. */
    int[] announcerSites(PeerSites peers, Map<String, Integer> siteIndex) {
        int[] out = new int[nAnn];
        for (int a = 0; a < nAnn; a++) {
            String site = peers.site(annAs[a], annAddr[a]);
            Integer i = site == null ? null : siteIndex.get(site);
            out[a] = i == null ? -1 : i;
        }
        return out;
    }

    static final int CODE_EXPLICIT = 1 << 30;
    static final int CODE_OWN = 1 << 29;

    /**
     * Per attribute, what ranking needs without touching the attribute columns again: at
     * {@code 2a}, -1 when the announcer has no site, else {@code pathLength << 16 | site} with
     * {@link #CODE_EXPLICIT} (and {@link #CODE_OWN} when that origin is the announcer) for an
     * attribute with its own origin; at {@code 2a + 1}, the announcer's AS as an int, to compare with
     * the prefix's origin. Caller holds the monitor.
     */
    int[] attributeCodes(int[] announcerSites) {
        int[] out = new int[2 * nAttr];
        for (int a = 0; a < nAttr; a++) {
            int ann = srcAnn[attrSrc[a]];
            int site = announcerSites[ann];
            if (site < 0) {
                out[2 * a] = -1;
                continue;
            }
            int code = (attrLen[a] & 0xff) << 16 | site;
            if ((attrLen[a] & EXPLICIT_ORIGIN) != 0) {
                code |= CODE_EXPLICIT | (Integer.toUnsignedLong(attrOrigin[a]) == annAs[ann] ? CODE_OWN : 0);
            }
            out[2 * a] = code;
            out[2 * a + 1] = (int) annAs[ann];
        }
        return out;
    }

    /** The origin AS (unsigned int) of the routes of {@code p} whose attributes leave it out. */
    int prefixOrigin(int p) {
        return pOrigin[p];
    }

    /** IPv6 rows (with or without routes). */
    int prefixCount6() {
        int n = 0;
        for (int p = 0; p < nPrefix; p++) {
            n += pFlags[p] & V6;
        }
        return n;
    }

    int prefixCount() {
        return nPrefix;
    }

    int routeCount(int p) {
        return pCount[p];
    }

    boolean isV6(int p) {
        return (pFlags[p] & V6) != 0;
    }

    boolean isBogon(int p) {
        return (pFlags[p] & BOGON) != 0;
    }

    int prefixLength(int p) {
        return pLen[p];
    }

    long prefixHi(int p) {
        return pHi[p];
    }

    long prefixLo(int p) {
        return pLo[p];
    }

    /** The attribute id of route {@code i} of prefix {@code p}. */
    int route(int p, int i) {
        return ref(pOff[p] + i);
    }

    int announcerOf(int attr) {
        return srcAnn[attrSrc[attr]];
    }

    int pathLengthOf(int attr) {
        return attrLen[attr] & 0xff;
    }

    /** The origin AS of a route of prefix {@code p} with attributes {@code attr}, as an unsigned int. */
    int origin(int p, int attr) {
        return (attrLen[attr] & EXPLICIT_ORIGIN) != 0 ? attrOrigin[attr] : pOrigin[p];
    }

    boolean originIsAnnouncer(int p, int attr) {
        return Integer.toUnsignedLong(origin(p, attr)) == annAs[srcAnn[attrSrc[attr]]];
    }

    long announcerAs(int ann) {
        return annAs[ann];
    }

    byte[] announcerAddress(int ann) {
        return annAddr[ann];
    }

    /** What explain shows of the path: the whole path up to two ASes, else the first and the origin AS. */
    List<Long> pathOf(int p, int attr) {
        int n = attrLen[attr] & 0xff;
        long first = Integer.toUnsignedLong(srcFirst[attrSrc[attr]]);
        long origin = Integer.toUnsignedLong(origin(p, attr));
        return switch (n) {
            case 0 -> List.of();
            case 1 -> List.of(origin);
            default -> List.of(first, origin);
        };
    }

    /** The row of a prefix (host bits must be clear), or -1. Caller holds the monitor. */
    int find(boolean v6, long hi, long lo, int len) {
        int h = hash(hi, lo, len, v6) & (pSlots.length - 1);
        while (true) {
            int id = pSlots[h] - 1;
            if (id < 0) {
                return -1;
            }
            if (pHi[id] == hi && pLo[id] == lo && pLen[id] == len && ((pFlags[id] & V6) != 0) == v6) {
                return id;
            }
            h = (h + 1) & (pSlots.length - 1);
        }
    }

    // =================================================================== internals

    private void put0(String session, byte[] prefix, int prefixLength, long pathId, long announcerAs,
            byte[] announcerAddress, long first, long origin, int pathLength) {
        int s = sessionId(session);
        int src = sessionSource[s] - 1;
        int ann;
        if (src >= 0 && annAs[ann = srcAnn[src]] == announcerAs && srcFirst[src] == (int) first
                && sameAddress(annAddr[ann], announcerAddress)) {
            // the session's last source again
        } else {
            ann = announcerId(announcerAs, announcerAddress);
            src = sourceId(s, ann, (int) first);
            sessionSource[s] = src + 1;
        }
        int p = prefixId(prefix, prefixLength);
        int count = pCount[p];
        if (count == 0) {
            pOrigin[p] = (int) origin;
        }
        int len = Math.min(pathLength, MAX_PATH_LENGTH);
        int attr = pOrigin[p] == (int) origin ? attrId(src, (int) pathId, 0, len)
                : attrId(src, (int) pathId, (int) origin, len | EXPLICIT_ORIGIN);
        int bit = 1 << (s & 31);
        if ((pSessions[p] & bit) != 0) {
            int off = pOff[p];
            int pid = (int) pathId;
            for (int i = 0; i < count; i++) {
                int old = ref(off + i);
                if (srcSession[attrSrc[old]] == s && attrPathId[old] == pid) {
                    annRoutes[srcAnn[attrSrc[old]]]--;
                    annRoutes[ann]++;
                    if (old != attr) {
                        changes++;
                        markDirty(p);
                        setRef(off + i, attr);
                        maybeCompact(); // the old attributes may be unused now
                    }
                    return;
                }
            }
        }
        if (count == MAX_PATHS_PER_PREFIX) {
            dropped++;
            return;
        }
        int holesBefore = holes;
        ensureRoom(p, count + 1);
        setRef(pOff[p] + count, attr);
        pCount[p] = (char) (count + 1);
        if (count == 0) {
            emptyPrefixes--;
        }
        pSessions[p] |= bit;
        annRoutes[ann]++;
        changes++;
        markDirty(p);
        if ((pFlags[p] & V6) == 0) {
            v4Routes++;
        } else {
            v6Routes++;
        }
        if (holes != holesBefore) {
            maybeCompact(); // the list moved and left a hole
        }
    }

    /**
     * Notes that prefix row {@code p} changed, for {@link #takeDirty}. Past an eighth of the table,
     * stops listing: a full rebuild is then cheaper than patching.
     */
    private void markDirty(int p) {
        if (allDirty || (pFlags[p] & DIRTY) != 0) {
            return;
        }
        if (nDirty >= Math.max(1024, nPrefix >> 3)) {
            allDirty = true;
            return;
        }
        pFlags[p] |= DIRTY;
        if (nDirty == dirty.length) {
            dirty = Arrays.copyOf(dirty, nDirty * 2);
        }
        dirty[nDirty++] = p;
    }

    /**
     * The rows changed since the last call, or null when the whole table must be read again (it
     * was cleared or compacted, or too much changed); resets the record. One consumer only: the
     * {@link FeedPlacements.Updater} of the feed's store. Caller holds the monitor.
     */
    int[] takeDirty() {
        int[] out = allDirty ? null : Arrays.copyOf(dirty, nDirty);
        for (int i = 0; i < nDirty; i++) {
            if (dirty[i] < nPrefix) {
                pFlags[dirty[i]] &= ~DIRTY;
            }
        }
        nDirty = 0;
        allDirty = false;
        if (dirty.length > 4096) {
            dirty = new int[64];
        }
        return out;
    }

    private void removeAt(int p, int i) {
        int off = pOff[p];
        int last = pCount[p] - 1;
        int a = ref(off + i);
        markDirty(p);
        annRoutes[srcAnn[attrSrc[a]]]--;
        setRef(off + i, ref(off + last));
        pCount[p] = (char) last;
        changes++;
        if (last == 0) {
            emptyPrefixes++;
        }
        if ((pFlags[p] & V6) == 0) {
            v4Routes--;
        } else {
            v6Routes--;
        }
    }

    private void refreshSessions(int p) {
        int mask = 0;
        int off = pOff[p];
        for (int i = 0; i < pCount[p]; i++) {
            mask |= 1 << (srcSession[attrSrc[ref(off + i)]] & 31);
        }
        pSessions[p] = mask;
    }

    private int ref(int pos) {
        return pages[pos >>> PAGE_BITS][pos & PAGE_MASK];
    }

    private void setRef(int pos, int value) {
        pages[pos >>> PAGE_BITS][pos & PAGE_MASK] = value;
    }

    /** Room for {@code need} references in prefix p's list: in place at the tail, else moved to the tail. */
    private void ensureRoom(int p, int need) {
        int cap = pCap[p];
        if (need <= cap) {
            return;
        }
        int off = pOff[p];
        if (cap > 0 && off + cap == tail && ((off + need - 1) >>> PAGE_BITS) == (off >>> PAGE_BITS)) {
            reserve(need - cap); // at the tail: grow in place (how a dump fills the arena)
            tail += need - cap;
            pCap[p] = (char) need;
            return;
        }
        // moving: leave room to grow by half again, so a busy prefix moves O(log n) times
        int newCap = need <= 2 && cap == 0 ? need : Math.min(MAX_PATHS_PER_PREFIX, Math.max(need, cap + (cap >> 1) + 1));
        int at = allocate(newCap);
        for (int i = 0; i < pCount[p]; i++) {
            setRef(at + i, ref(off + i));
        }
        holes += cap;
        pOff[p] = at;
        pCap[p] = (char) newCap;
    }

    private int allocate(int n) {
        int room = PAGE - (tail & PAGE_MASK);
        if ((tail & PAGE_MASK) != 0 && room < n) {
            holes += room;
            tail += room; // lists never straddle pages
        }
        reserve(n);
        int at = tail;
        tail += n;
        return at;
    }

    private void reserve(int n) {
        int lastPage = (tail + n - 1) >>> PAGE_BITS;
        if (lastPage >= pages.length) {
            int[][] grown = Arrays.copyOf(pages, lastPage + 1);
            for (int i = pages.length; i <= lastPage; i++) {
                grown[i] = new int[PAGE];
            }
            pages = grown;
        }
    }

    private int sessionId(String session) {
        if (session == lastSession) {
            return lastSessionId;
        }
        Integer id = sessionIds.get(session);
        if (id == null) {
            id = sessions.size();
            sessionIds.put(session, id);
            sessions.add(session);
            if (id == sessionSource.length) {
                sessionSource = Arrays.copyOf(sessionSource, id * 2);
            }
        }
        lastSession = session;
        lastSessionId = id;
        return id;
    }

    private int announcerId(long as, byte[] address) {
        byte[] addr = canonical(address);
        int h = mix((int) as * 31 + (int) (as >>> 32) + Arrays.hashCode(addr)) & (annSlots.length - 1);
        while (true) {
            int id = annSlots[h] - 1;
            if (id < 0) {
                break;
            }
            if (annAs[id] == as && Arrays.equals(annAddr[id], addr)) {
                return id;
            }
            h = (h + 1) & (annSlots.length - 1);
        }
        if (nAnn == annAs.length) {
            annAs = Arrays.copyOf(annAs, nAnn * 2);
            annAddr = Arrays.copyOf(annAddr, nAnn * 2);
            annRoutes = Arrays.copyOf(annRoutes, nAnn * 2);
        }
        int id = nAnn++;
        annAs[id] = as;
        annAddr[id] = addr == null ? null : addr.clone();
        annSlots[h] = id + 1;
        if (nAnn * 2 > annSlots.length) {
            annSlots = new int[annSlots.length * 2];
            for (int i = 0; i < nAnn; i++) {
                int k = mix((int) annAs[i] * 31 + (int) (annAs[i] >>> 32) + Arrays.hashCode(annAddr[i]))
                        & (annSlots.length - 1);
                while (annSlots[k] != 0) {
                    k = (k + 1) & (annSlots.length - 1);
                }
                annSlots[k] = i + 1;
            }
        }
        return id;
    }

    /** Whether a kept (canonical) announcer address is the given one. */
    private static boolean sameAddress(byte[] kept, byte[] given) {
        if (kept == null || given == null) {
            return kept == given;
        }
        return kept.length == given.length ? Arrays.equals(kept, given) : Arrays.equals(kept, canonical(given));
    }

    /** IPv4-mapped IPv6 announcer addresses count as the IPv4 address (one peer, one key). */
    static byte[] canonical(byte[] address) {
        if (address == null || address.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return address;
        }
        return Arrays.copyOfRange(address, 12, 16);
    }

    private int sourceId(int session, int ann, int first) {
        int h = mix(session * 0x9E3779B1 + ann * 31 + first) & (srcSlots.length - 1);
        while (true) {
            int id = srcSlots[h] - 1;
            if (id < 0) {
                break;
            }
            if (srcSession[id] == session && srcAnn[id] == ann && srcFirst[id] == first) {
                return id;
            }
            h = (h + 1) & (srcSlots.length - 1);
        }
        if (nSrc == srcSession.length) {
            srcSession = Arrays.copyOf(srcSession, nSrc * 2);
            srcAnn = Arrays.copyOf(srcAnn, nSrc * 2);
            srcFirst = Arrays.copyOf(srcFirst, nSrc * 2);
        }
        int id = nSrc++;
        srcSession[id] = session;
        srcAnn[id] = ann;
        srcFirst[id] = first;
        srcSlots[h] = id + 1;
        if (nSrc * 2 > srcSlots.length) {
            srcSlots = new int[srcSlots.length * 2];
            for (int i = 0; i < nSrc; i++) {
                int k = mix(srcSession[i] * 0x9E3779B1 + srcAnn[i] * 31 + srcFirst[i]) & (srcSlots.length - 1);
                while (srcSlots[k] != 0) {
                    k = (k + 1) & (srcSlots.length - 1);
                }
                srcSlots[k] = i + 1;
            }
        }
        return id;
    }

    private static int attrHash(int src, int pathId, int origin, int len) {
        return mix(((src * 0x9E3779B1 + pathId) * 0x85EBCA6B + origin) * 31 + len);
    }

    private int attrId(int src, int pathId, int origin, int len) {
        int mask = attrSlots.length - 1;
        int h = attrHash(src, pathId, origin, len) & mask;
        while (true) {
            int id = attrSlots[h] - 1;
            if (id < 0) {
                break;
            }
            if (attrOrigin[id] == origin && attrSrc[id] == src && attrPathId[id] == pathId && attrLen[id] == len) {
                return id;
            }
            h = (h + 1) & mask;
        }
        if (nAttr == attrSrc.length) {
            int n = nAttr + (nAttr >> 1);
            attrSrc = Arrays.copyOf(attrSrc, n);
            attrPathId = Arrays.copyOf(attrPathId, n);
            attrOrigin = Arrays.copyOf(attrOrigin, n);
            attrLen = Arrays.copyOf(attrLen, n);
        }
        int id = nAttr++;
        attrSrc[id] = src;
        attrPathId[id] = pathId;
        attrOrigin[id] = origin;
        attrLen[id] = (char) len;
        attrSlots[h] = id + 1;
        if (nAttr * 4 > attrSlots.length * 3) {
            rehashAttrs(attrSlots.length * 2);
        }
        return id;
    }

    private void rehashAttrs(int slots) {
        attrSlots = new int[slots];
        int mask = slots - 1;
        for (int i = 0; i < nAttr; i++) {
            int k = attrHash(attrSrc[i], attrPathId[i], attrOrigin[i], attrLen[i]) & mask;
            while (attrSlots[k] != 0) {
                k = (k + 1) & mask;
            }
            attrSlots[k] = i + 1;
        }
    }

    private void resetAttrs(int n) {
        attrSrc = new int[n];
        attrPathId = new int[n];
        attrOrigin = new int[n];
        attrLen = new char[n];
        attrSlots = new int[slotsFor(n)];
        nAttr = 0;
    }

    private void resetPrefixes(int n) {
        pHi = new long[n];
        pLo = new long[n];
        pLen = new byte[n];
        pFlags = new byte[n];
        pOff = new int[n];
        pCount = new char[n];
        pCap = new char[n];
        pSessions = new int[n];
        pOrigin = new int[n];
        pSlots = new int[slotsFor(n)];
        nPrefix = 0;
        emptyPrefixes = 0;
        lastPrefix = -1;
    }

    private static int slotsFor(int n) {
        return Math.max(16, Integer.highestOneBit(Math.max(1, n * 4 / 3)) * 2);
    }

    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    private static int hash(long hi, long lo, int len, boolean v6) {
        long x = hi * 0x9E3779B97F4A7C15L + lo * 0xC2B2AE3D27D4EB4FL + len * 31L + (v6 ? 7 : 0);
        return mix((int) (x ^ (x >>> 32)));
    }

    private int findPrefix(byte[] prefix, int len) {
        boolean v6 = checkPrefix(prefix, len);
        return find(v6, v6 ? PrefixTable.readLong(prefix, 0) : Integer.toUnsignedLong(readInt(prefix)), v6 ? PrefixTable.readLong(prefix, 8) : 0,
                len);
    }

    private int prefixId(byte[] prefix, int len) {
        boolean v6 = checkPrefix(prefix, len);
        long hi = v6 ? PrefixTable.readLong(prefix, 0) : Integer.toUnsignedLong(readInt(prefix));
        long lo = v6 ? PrefixTable.readLong(prefix, 8) : 0;
        if (v6 ? (hi & ~PrefixTable.hiMask(len)) != 0 || (lo & ~PrefixTable.loMask(len)) != 0 : (hi & ~PrefixTable.mask32(len)) != 0) {
            throw new IllegalArgumentException("host bits set beyond /" + len);
        }
        int last = lastPrefix;
        if (last >= 0 && pHi[last] == hi && pLo[last] == lo && pLen[last] == len && ((pFlags[last] & V6) != 0) == v6) {
            return last;
        }
        int mask = pSlots.length - 1;
        int h = hash(hi, lo, len, v6) & mask;
        while (true) {
            int id = pSlots[h] - 1;
            if (id < 0) {
                break;
            }
            if (pHi[id] == hi && pLo[id] == lo && pLen[id] == len && ((pFlags[id] & V6) != 0) == v6) {
                lastPrefix = id;
                return id;
            }
            h = (h + 1) & mask;
        }
        if (nPrefix == pHi.length) {
            growPrefixes(nPrefix + (nPrefix >> 1));
        }
        int id = nPrefix++;
        pHi[id] = hi;
        pLo[id] = lo;
        pLen[id] = (byte) len;
        pFlags[id] = (byte) ((v6 ? V6 : 0) | (Bogons.isBogon(v6, hi, lo, len) ? BOGON : 0));
        pOff[id] = 0;
        pCount[id] = 0;
        pCap[id] = 0;
        pSessions[id] = 0;
        pOrigin[id] = 0;
        emptyPrefixes++;
        pSlots[h] = id + 1;
        if (nPrefix * 4 > pSlots.length * 3) {
            rehashPrefixes(pSlots.length * 2);
        }
        lastPrefix = id;
        return id;
    }

    private void growPrefixes(int n) {
        pHi = Arrays.copyOf(pHi, n);
        pLo = Arrays.copyOf(pLo, n);
        pLen = Arrays.copyOf(pLen, n);
        pFlags = Arrays.copyOf(pFlags, n);
        pOff = Arrays.copyOf(pOff, n);
        pCount = Arrays.copyOf(pCount, n);
        pCap = Arrays.copyOf(pCap, n);
        pSessions = Arrays.copyOf(pSessions, n);
        pOrigin = Arrays.copyOf(pOrigin, n);
    }

    private void rehashPrefixes(int slots) {
        pSlots = new int[slots];
        int mask = slots - 1;
        for (int i = 0; i < nPrefix; i++) {
            int k = hash(pHi[i], pLo[i], pLen[i], (pFlags[i] & V6) != 0) & mask;
            while (pSlots[k] != 0) {
                k = (k + 1) & mask;
            }
            pSlots[k] = i + 1;
        }
    }

    /** Whether the prefix is IPv6; throws when it is no prefix. Host bits are checked where it is read. */
    private static boolean checkPrefix(byte[] prefix, int len) {
        if (prefix == null || (prefix.length != 4 && prefix.length != 16)) {
            throw new IllegalArgumentException("a prefix is 4 or 16 bytes");
        }
        if (len < 0 || len > prefix.length * 8) {
            throw new IllegalArgumentException("prefix length " + len + " out of range 0-" + prefix.length * 8);
        }
        return prefix.length == 16;
    }

    static int readInt(byte[] a) {
        return PrefixTable.readInt(a, 0);
    }

    /** Whether a 4- or 16-byte address lies in special-purpose space (as a host route). */
    static boolean isBogonAddress(byte[] a) {
        boolean v6 = a.length == 16;
        return Bogons.isBogon(v6, v6 ? PrefixTable.readLong(a, 0) : Integer.toUnsignedLong(readInt(a)), v6 ? PrefixTable.readLong(a, 8) : 0,
                a.length * 8);
    }

    /** Writes hi/lo back into a 4- or 16-byte prefix. */
    static void write(byte[] out, long hi, long lo) {
        if (out.length == 4) {
            out[0] = (byte) (hi >>> 24);
            out[1] = (byte) (hi >>> 16);
            out[2] = (byte) (hi >>> 8);
            out[3] = (byte) hi;
            return;
        }
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (hi >>> (56 - 8 * i));
            out[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
    }

    // =================================================================== compaction

    private void maybeCompact() {
        boolean prefixes = emptyPrefixes > 1024 && emptyPrefixes * 4L > nPrefix;
        boolean arena = holes > PAGE && holes * 4L > tail;
        if (attrsAfterCompaction == 0) {
            attrsAfterCompaction = nAttr; // the baseline: what the table needed before its first removal
        }
        boolean attrs = nAttr > 4096 && nAttr > 2L * attrsAfterCompaction;
        if (prefixes || arena || attrs) {
            compact();
        }
    }

    /**
     * Releases the slack of growth and removal (call after loading a table dump: the columns grew by
     * half at a time). O(routes); the table holds the same routes.
     */
    public synchronized void trim() {
        compact();
    }

    /**
     * Drops the empty prefix rows, the arena's holes (each list exactly as long as it is) and the
     * attributes no route uses. In place: the lists slide down the arena in the order they lie in
     * it, and the rows slide down their columns, so it needs no second copy of the table (only
     * one column at a time when the columns shrink). O(routes).
     */
    synchronized void compact() {
        // attributes in use, renumbered in id order
        int[] newId = new int[nAttr];
        Arrays.fill(newId, -1);
        for (int p = 0; p < nPrefix; p++) {
            int off = pOff[p];
            for (int i = 0; i < pCount[p]; i++) {
                newId[ref(off + i)] = -2;
            }
        }
        int live = 0;
        for (int a = 0; a < nAttr; a++) {
            if (newId[a] == -2) {
                attrSrc[live] = attrSrc[a];
                attrPathId[live] = attrPathId[a];
                attrOrigin[live] = attrOrigin[a];
                attrLen[live] = attrLen[a];
                newId[a] = live++;
            }
        }
        int attrCap = Math.max(64, live + (live >> 3));
        attrSrc = Arrays.copyOf(attrSrc, attrCap);
        attrPathId = Arrays.copyOf(attrPathId, attrCap);
        attrOrigin = Arrays.copyOf(attrOrigin, attrCap);
        attrLen = Arrays.copyOf(attrLen, attrCap);
        nAttr = live;
        rehashAttrs(slotsFor(attrCap));
        attrsAfterCompaction = live;

        // the lists, in arena order, slide down to a write position that never passes them
        int rows = nPrefix - emptyPrefixes;
        long[] byOffset = new long[rows];
        int k = 0;
        for (int p = 0; p < nPrefix; p++) {
            if (pCount[p] > 0) {
                byOffset[k++] = (long) pOff[p] << 32 | p;
            }
        }
        Arrays.sort(byOffset);
        int write = 0;
        for (long e : byOffset) {
            int p = (int) e;
            int off = (int) (e >>> 32);
            int c = pCount[p];
            int room = PAGE - (write & PAGE_MASK);
            if ((write & PAGE_MASK) != 0 && room < c) {
                write += room; // lists never straddle pages; still at or before off
            }
            for (int i = 0; i < c; i++) {
                setRef(write + i, newId[ref(off + i)]);
            }
            pOff[p] = write;
            pCap[p] = (char) c;
            write += c;
        }
        byOffset = null;
        tail = write;
        holes = 0;
        pages = Arrays.copyOf(pages, (tail + PAGE - 1) >>> PAGE_BITS);

        // the rows with routes slide down their columns; then the columns shrink to fit
        int w = 0;
        for (int p = 0; p < nPrefix; p++) {
            if (pCount[p] == 0) {
                continue;
            }
            pHi[w] = pHi[p];
            pLo[w] = pLo[p];
            pLen[w] = pLen[p];
            pFlags[w] = (byte) (pFlags[p] & ~DIRTY);
            pOff[w] = pOff[p];
            pCount[w] = pCount[p];
            pCap[w] = pCap[p];
            pSessions[w] = pSessions[p];
            pOrigin[w] = pOrigin[p];
            w++;
        }
        nPrefix = w;
        emptyPrefixes = 0;
        lastPrefix = -1;
        int cap = Math.max(64, w);
        pSlots = null; // rehashed below: let it go first
        growPrefixes(cap);
        rehashPrefixes(slotsFor(cap));
        nDirty = 0;
        allDirty = true; // the rows are renumbered
    }
}
