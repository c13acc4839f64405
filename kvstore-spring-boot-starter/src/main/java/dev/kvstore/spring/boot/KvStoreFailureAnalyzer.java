package dev.kvstore.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a Backend bean that could not be built: which {@code kvstore.*} property is at fault,
 * and for a store whose jar is missing, which artifact to add. Threads: Spring's start-up thread.
 */
final class KvStoreFailureAnalyzer extends AbstractFailureAnalyzer<KvStoreStartupException> {

    KvStoreFailureAnalyzer() {}

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, KvStoreStartupException cause) {
        String message = cause.getMessage();
        String description = "kvstore could not create its Backend: the property " + cause.property()
                + " is not right.\n\n" + message;
        String marker = "is not on the class path: add ";
        int add = message.indexOf(marker);
        int end = message.indexOf(". ", add + marker.length());
        String action;
        if (add >= 0 && end > add) {
            String artifact = message.substring(add + marker.length(), end);
            action = "Add the dependency " + artifact + " to the application, or set kvstore.store-type to a store "
                    + "that is on the class path.";
        } else {
            action = "Correct " + cause.property() + " (see the kvstore.* properties and the store's options).";
        }
        return new FailureAnalysis(description, action, cause);
    }
}
