package org.hubdns.dns.answer;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xbill.DNS.Name;

/**
 * One answer (say, "the A RRset of www" or "NXDOMAIN in pk-hub.example.") for query names of any
 * wire length that end in {@code suffix}. The template for the suffix's own length is rendered at
 * compile time; other lengths (wildcard, negative and referral answers) are rendered on first use
 * and kept: at most 255 per plan, each rendered once.
 */
final class AnswerPlan {
    private static final int MAX_NAME = 255;

    private final AnswerSpec spec;
    private final Name suffix;
    private final int ownLength;
    private final Template own;
    private volatile AtomicReferenceArray<Template> others;

    AnswerPlan(AnswerSpec spec, Name suffix) {
        this.spec = spec;
        this.suffix = suffix;
        this.ownLength = suffix.length();
        this.own = TemplateRenderer.render(spec, suffix);
    }

    Template forLength(int qnameLength) {
        if (qnameLength == ownLength) {
            return own;
        }
        AtomicReferenceArray<Template> cache = others;
        if (cache == null) {
            // a lost race only renders twice: both results are identical
            cache = new AtomicReferenceArray<>(MAX_NAME + 1);
            others = cache;
        }
        Template t = cache.get(qnameLength);
        if (t == null) {
            t = TemplateRenderer.render(spec, TemplateRenderer.standIn(suffix, qnameLength));
            cache.set(qnameLength, t);
        }
        return t;
    }
}
