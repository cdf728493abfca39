package org.hubdns.cluster.store;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;

/**
 * When two halves of a split cluster meet again, each key keeps the copy that wins by the
 * registry's own rule (the later version, {@link Kind#newer}), so neither half's newer writes nor its deletions are lost.
 * Hazelcast's built-in policies compare hits or local timestamps, which know nothing of tombstones.
 */
public class VersionMergePolicy implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {
    @Override
    public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
        if (existing == null) {
            return merging.getRawValue();
        }
        Stored m = Stored.decode((String) merging.getDeserializedValue());
        Stored e = Stored.decode((String) existing.getDeserializedValue());
        return m.version() > e.version() ? merging.getRawValue() : existing.getRawValue();
    }

    @Override
    public void writeData(ObjectDataOutput out) {
    }

    @Override
    public void readData(ObjectDataInput in) {
    }
}
