package org.hubdns.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class of the HTTP API against one demo member of its own: {@link #api} is started before
 * the class's first test (before any {@code @BeforeAll} of the subclass, which may seed more) and
 * stopped after its last.
 */
abstract class DemoMemberTest {
    static Api api;

    @BeforeAll
    static void startDemoMember() throws Exception {
        api = Api.start();
    }

    @AfterAll
    static void stopDemoMember() {
        if (api != null) {
            api.close();
            api = null;
        }
    }
}
