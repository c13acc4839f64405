package dev.kvstore.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class WaitingCallerTest {

    /** Records the tasks handed to it instead of running them: the "hand-off". */
    private final List<Runnable> handedOff = new ArrayList<>();

    private final Executor handOff = handedOff::add;

    /** A client operation as a store writes it: claim, bind, return the bound future. */
    private CompletableFuture<String> operation(List<Executor> completions) {
        CompletableFuture<String> result = new CompletableFuture<>();
        WaitingCaller.Ticket ticket = WaitingCaller.claim();
        if (ticket != null) {
            ticket.bind(result);
        }
        completions.add(WaitingCaller.executor(ticket, handOff));
        return result;
    }

    @Test
    void theFutureAWaitingCallerHoldsCompletesInPlace() {
        List<Executor> completions = new ArrayList<>();
        CompletableFuture<String> f = WaitingCaller.call(() -> operation(completions));
        completions.get(0).execute(() -> f.complete("v"));
        assertThat(f).isCompletedWithValue("v");
        assertThat(handedOff).isEmpty();
    }

    @Test
    void outsideACallNothingIsClaimedAndCompletionsAreHandedOff() {
        assertThat(WaitingCaller.claim()).isNull();
        List<Executor> completions = new ArrayList<>();
        CompletableFuture<String> f = operation(completions);
        completions.get(0).execute(() -> f.complete("v"));
        assertThat(f).isNotDone();
        assertThat(handedOff).hasSize(1);
    }

    @Test
    void aStageTheCallerBuiltOnTheFutureKeepsTheHandOff() {
        List<Executor> completions = new ArrayList<>();
        List<CompletableFuture<String>> inner = new ArrayList<>();
        CompletableFuture<Integer> chained = WaitingCaller.call(() -> {
            CompletableFuture<String> f = operation(completions);
            inner.add(f);
            return f.thenApply(String::length);
        });
        completions.get(0).execute(() -> inner.get(0).complete("vv"));
        assertThat(chained).isNotDone();
        assertThat(handedOff).hasSize(1);
        handedOff.get(0).run();
        assertThat(chained).isCompletedWithValue(2);
    }

    @Test
    void onlyTheFirstOperationOfACallGetsTheTicket() {
        List<Executor> completions = new ArrayList<>();
        List<CompletableFuture<String>> futures = new ArrayList<>();
        CompletableFuture<String> f = WaitingCaller.call(() -> {
            CompletableFuture<String> first = operation(completions);
            futures.add(operation(completions)); // a client's own second operation inside the call
            return first;
        });
        completions.get(1).execute(() -> futures.get(0).complete("own"));
        assertThat(futures.get(0)).isNotDone();
        completions.get(0).execute(() -> f.complete("v"));
        assertThat(f).isCompletedWithValue("v");
        assertThat(handedOff).hasSize(1);
    }

    @Test
    void aReplyBeforeTheCallReturnedIsHandedOff() {
        List<Executor> completions = new ArrayList<>();
        CompletableFuture<String> f = WaitingCaller.call(() -> {
            CompletableFuture<String> result = operation(completions);
            completions.get(0).execute(() -> result.complete("early"));
            return result;
        });
        assertThat(f).isNotDone();
        assertThat(handedOff).hasSize(1);
        // later completions of the same call may run in place
        completions.get(0).execute(() -> {});
        assertThat(handedOff).hasSize(1);
    }

    @Test
    void callsNestAndTheScopeEndsWithTheCall() {
        List<Executor> completions = new ArrayList<>();
        WaitingCaller.call(() -> {
            CompletableFuture<String> inner = WaitingCaller.call(() -> operation(completions));
            assertThat(WaitingCaller.claim())
                    .as("the outer call's ticket is still unclaimed")
                    .isNotNull();
            return inner;
        });
        assertThat(WaitingCaller.claim()).isNull();
        assertThatThrownBy(() -> WaitingCaller.call(() -> {
                    throw new IllegalStateException("refused");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(WaitingCaller.claim()).isNull();
    }
}
