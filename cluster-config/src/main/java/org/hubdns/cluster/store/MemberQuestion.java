package org.hubdns.cluster.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.io.Serializable;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * A question sent to one member ({@link Registry#ask}): run there, it finds the answerer that
 * member registered for the topic ({@link Registry#answer}) in Hazelcast's user context.
 */
final class MemberQuestion implements Callable<String>, Serializable, HazelcastInstanceAware {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final String question;
    private transient HazelcastInstance instance;

    MemberQuestion(String topic, String question) {
        this.topic = topic;
        this.question = question;
    }

    static String contextKey(String topic) {
        return "hubdns.answer." + topic;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    @Override
    @SuppressWarnings("unchecked")
    public String call() {
        Object answerer = instance == null ? null : instance.getUserContext().get(contextKey(topic));
        return answerer instanceof Function<?, ?> f ? ((Function<String, String>) f).apply(question) : null;
    }
}
