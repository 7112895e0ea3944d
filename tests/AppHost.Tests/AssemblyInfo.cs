// Test classes run one at a time: most start a whole stack (eight .NET processes, Redis, PostgreSQL),
// and on a two-core machine several live stacks, each busy with its tests, starve one another past
// every time limit. The resilience proofs, a separate assembly, run beside this one: two stacks at most.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
