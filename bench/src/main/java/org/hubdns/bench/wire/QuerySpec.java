package org.hubdns.bench.wire;

/** One question to ask: a presentation-format name and a record type number. */
public record QuerySpec(String name, int type) {
    @Override
    public String toString() {
        return name + " " + RrTypes.typeName(type);
    }
}
