package org.hubdns.health;

import java.util.ArrayList;
import java.util.List;

/**
 * Which members probe a node: the {@code k} members with the highest hash of (member, node)
 * (rendezvous hashing). Every member computes the same answer from the same member list; when a
 * member joins or leaves, only the nodes it ranks among its top k change probers, and duties spread
 * evenly (each member probes about k/n of the nodes).
 */
final class Rendezvous {
    private Rendezvous() {
    }

    static List<String> probers(String node, List<String> members, int k) {
        int want = Math.min(k, members.size());
        List<String> out = new ArrayList<>(want);
        long[] scores = new long[want];
        long hn = hash(node);
        for (String m : members) {
            long s = mix(hn ^ mix(hash(m)));
            int at = out.size();
            while (at > 0 && Long.compareUnsigned(scores[at - 1], s) < 0) {
                at--;
            }
            if (at >= want) {
                continue;
            }
            if (out.size() == want) {
                out.remove(want - 1);
            }
            System.arraycopy(scores, at, scores, at + 1, want - 1 - at);
            scores[at] = s;
            out.add(at, m);
        }
        return out;
    }

    /** FNV-1a over the UTF-16 units: stable across JVMs, unlike identity or seeded hashes. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The SplitMix64 finaliser: spreads FNV's weak low bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
