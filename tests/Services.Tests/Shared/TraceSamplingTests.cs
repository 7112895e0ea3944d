using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Integrations.Services.Tests;

/// <summary>
/// Trace sampling as every service configures it: a trace is kept or dropped whole by its root's
/// decision, the first traces of each second are kept, and a span that fails is exported whatever the
/// settings.
/// </summary>
public sealed class TraceSamplingTests
{
    [Fact]
    public void WithNothingSampledOnlyFailedSpansAreExported()
    {
        using var source = new ActivitySource($"sampling-{Guid.NewGuid():N}");
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddTraceSampling(0).AddInMemoryExporter(exported).Build())
        {
            using (var delivery = source.StartActivity("delivery"))
            {
                using (source.StartActivity("gate begin"))
                {
                }

                using var failed = source.StartActivity("slack chat.postMessage");
                failed!.SetStatus(ActivityStatusCode.Error, "502");
            }
        }

        Assert.Equal(["slack chat.postMessage"], exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void ASampledRootKeepsItsWholeTraceAndAnUnsampledOneDropsIt()
    {
        using var source = new ActivitySource($"sampling-{Guid.NewGuid():N}");
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddTraceSampling(0.5).AddInMemoryExporter(exported).Build())
        {
            for (var i = 0; i < 200; i++)
            {
                using var root = source.StartActivity("receive");
                using var child = source.StartActivity("store");
            }
        }

        // Every exported child has its root exported too, and the ratio is roughly kept.
        var roots = exported.Where(a => a.DisplayName == "receive").Select(a => a.TraceId).ToHashSet();
        var children = exported.Where(a => a.DisplayName == "store").Select(a => a.TraceId).ToHashSet();
        Assert.Equal(roots, children);
        Assert.InRange(roots.Count, 50, 150);
    }

    [Fact]
    public void ARatioOfOneExportsEverything()
    {
        using var source = new ActivitySource($"sampling-{Guid.NewGuid():N}");
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddTraceSampling(1).AddInMemoryExporter(exported).Build())
        {
            for (var i = 0; i < 20; i++)
            {
                using var root = source.StartActivity("receive");
            }
        }

        Assert.Equal(20, exported.Count);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void ADatabaseCommandOutsideAnyTraceIsNotATraceOfItsOwnUnlessItFails(double ratio)
    {
        using var service = new ActivitySource($"sampling-{Guid.NewGuid():N}");
        using var database = new ActivitySource(TraceSampling.DatabaseSource);
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder().AddSource(service.Name, database.Name).AddTraceSampling(ratio).AddInMemoryExporter(exported).Build())
        {
            using (database.StartActivity("poll", ActivityKind.Client))
            {
            }

            using (var failed = database.StartActivity("failed poll", ActivityKind.Client))
            {
                failed!.SetStatus(ActivityStatusCode.Error, "57P01");
            }

            using var delivery = ratio >= 1 ? service.StartActivity("delivery") : null;
            using (database.StartActivity("ledger start", ActivityKind.Client))
            {
            }
        }

        Assert.Equal(ratio >= 1 ? ["failed poll", "ledger start", "delivery"] : ["failed poll"], exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void TheFirstTracesOfEachSecondAreKeptWholeAndNoMore()
    {
        using var source = new ActivitySource($"sampling-{Guid.NewGuid():N}");
        var time = new FakeTimeProvider();
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddTraceSampling(0, perSecond: 5, time).AddInMemoryExporter(exported).Build())
        {
            StartDeliveries(20);
            time.Advance(TimeSpan.FromMilliseconds(400));
            StartDeliveries(20);
            time.Advance(TimeSpan.FromSeconds(10));
            StartDeliveries(20);
        }

        // 5 at once, 2 refilled in 0.4 s, then 5 again: a quiet spell refills one second's worth, no more.
        var roots = exported.Where(a => a.DisplayName == "receive").Select(a => a.TraceId).ToHashSet();
        Assert.Equal(12, roots.Count);
        Assert.Equal(roots, exported.Where(a => a.DisplayName == "store").Select(a => a.TraceId).ToHashSet());

        void StartDeliveries(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var root = source.StartActivity("receive", ActivityKind.Server);
                using var child = source.StartActivity("store");
            }
        }
    }

    [Theory]
    [InlineData(ActivityKind.Client)]
    [InlineData(ActivityKind.Producer)]
    public void BackgroundWorkThatStartsATraceTakesNoneOfTheSecondsTraces(ActivityKind kind)
    {
        using var source = new ActivitySource($"sampling-{Guid.NewGuid():N}");
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddTraceSampling(0, perSecond: 2, new FakeTimeProvider()).AddInMemoryExporter(exported).Build())
        {
            for (var i = 0; i < 10; i++)
            {
                using var poll = source.StartActivity("shipper batch", kind);
            }

            for (var i = 0; i < 3; i++)
            {
                using var request = source.StartActivity("receive", ActivityKind.Server);
            }
        }

        Assert.Equal(["receive", "receive"], exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void ABatchIsKeptWhenItCarriesAKeptDeliveryAndTakesNoneOfTheSecondsTraces()
    {
        using var source = new ActivitySource($"sampling-{Guid.NewGuid():N}");
        var exported = new List<Activity>();
        var kept = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var dropped = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        using (var provider = Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddTraceSampling(0, perSecond: 1, new FakeTimeProvider()).AddInMemoryExporter(exported).Build())
        {
            using (source.StartActivity("gate begin batch", ActivityKind.Internal, parentContext: default, links: [new(dropped), new(kept)]))
            {
            }

            for (var i = 0; i < 5; i++)
            {
                using var batch = source.StartActivity("gate complete batch", ActivityKind.Internal, parentContext: default, links: [new(dropped)]);
            }

            using var request = source.StartActivity("receive", ActivityKind.Server);
        }

        Assert.Equal(["gate begin batch", "receive"], exported.Select(a => a.DisplayName));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("50", 50.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("100000", 100_000.0)]
    public void TracesPerSecondIsUnsetOrANumberFromZeroTo100000(string? configured, double? expected) =>
        Assert.Equal(expected, TraceSamplingSettings.PerSecond(configured, TraceSamplingSettings.PerSecondKey));

    [Theory]
    [InlineData("-1")]
    [InlineData("100001")]
    [InlineData("fifty")]
    [InlineData("NaN")]
    public void TracesPerSecondOutOfRangeStopsTheServiceNamingTheKey(string configured)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TraceSamplingSettings.PerSecond(configured, TraceSamplingSettings.PerSecondKey));

        Assert.Equal("Telemetry:TracesPerSecond must be a number from 0 to 100000.", error.Message);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("0.1", 0.1)]
    [InlineData("0", 0.0)]
    [InlineData("1", 1.0)]
    public void TheRatioIsUnsetOrANumberFromZeroToOne(string? configured, double? expected) =>
        Assert.Equal(expected, TraceSamplingSettings.Ratio(configured, TraceSamplingSettings.RatioKey));

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("ten percent")]
    [InlineData("Infinity")]
    public void TheRatioOutOfRangeStopsTheServiceNamingTheKey(string configured)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TraceSamplingSettings.Ratio(configured, TraceSamplingSettings.RatioKey));

        Assert.Equal("Telemetry:TraceSampleRatio must be a number from 0 to 1 (1: every trace).", error.Message);
    }
}
