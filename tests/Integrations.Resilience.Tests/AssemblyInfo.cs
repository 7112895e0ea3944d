// Each proof starts a whole stack of its own and measures it; two at once would share two cores and skew the figures.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
