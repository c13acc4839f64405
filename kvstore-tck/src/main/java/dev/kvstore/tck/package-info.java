/**
 * The conformance kit: {@link dev.kvstore.tck.KvStoreCompatibilityKit} is the contract
 * ({@code docs/CONTRACT.md}, sections §1–§11) turned into JUnit 5 tests. A store proves itself
 * with a small subclass that supplies the configuration of a live server. Add this jar in test
 * scope.
 *
 * <p><b>Null policy.</b> No {@code null} arguments, no {@code null} results.
 */
package dev.kvstore.tck;
