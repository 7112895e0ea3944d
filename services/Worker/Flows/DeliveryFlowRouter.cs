using Integrations.Worker.Queue;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Integrations.Worker.Flows;

/// <summary>
/// Which deliveries a flow runs, by provider and event type, and the provider settings it needs that
/// are not set (<see cref="ProviderSettings"/>): a flow with any missing is off.
/// </summary>
public sealed record DeliveryFlowRoute(Type Flow, Func<string, string, bool> Handles, IReadOnlyList<string> Missing)
{
    public bool IsOn => Missing.Count == 0;
}

/// <summary>
/// Finds the flow for a delivery and builds only that one. A flow's connectors carry typed HTTP
/// clients, so building every flow to ask each whether it handles a delivery cost the worker five
/// flows' worth of clients per delivery, most of them thrown away at once. A delivery for a flow that
/// is off fails permanently, naming what is not set: it is dead-lettered, and redriven once it is set.
/// </summary>
public sealed class DeliveryFlowRouter(IEnumerable<DeliveryFlowRoute> routes)
{
    private readonly DeliveryFlowRoute[] _routes = [.. routes];

    public IReadOnlyList<DeliveryFlowRoute> Routes => _routes;

    /// <returns>The flow built from <paramref name="services"/>, or <c>null</c> when no flow handles the delivery.</returns>
    public IDeliveryFlow? Resolve(IServiceProvider services, string provider, string eventType)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Find(provider, eventType) switch
        {
            null => null,
            { IsOn: true } route => (IDeliveryFlow)services.GetRequiredService(route.Flow),
            var route => throw new PermanentFlowException($"The {route.Flow.Name} flow is off: {string.Join(", ", route.Missing)} not set. Set it and redrive the delivery."),
        };
    }

    /// <returns>The route of the flow that handles the delivery, on or off; <c>null</c> when none does.</returns>
    public DeliveryFlowRoute? Find(string provider, string eventType) =>
        Array.Find(_routes, route => route.Handles(provider, eventType));
}

public static class DeliveryFlowExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TFlow"/> (transient) and its route; <paramref name="handles"/> builds
    /// the route's predicate once, from the root services (e.g. to read options). <paramref name="needs"/>
    /// names the provider settings the flow cannot run without (<see cref="ProviderSettings"/>).
    /// </summary>
    public static IServiceCollection AddDeliveryFlow<TFlow>(this IServiceCollection services, Func<IServiceProvider, Func<string, string, bool>> handles, params string[] needs)
        where TFlow : class, IDeliveryFlow
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(handles);

        services.AddTransient<TFlow>();
        services.AddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<ProviderSettings>();
            return new DeliveryFlowRoute(typeof(TFlow), handles(provider), [.. needs.Where(n => !settings.IsSet(n))]);
        });
        services.TryAddSingleton<ProviderSettings>();
        services.TryAddSingleton<DeliveryFlowRouter>();
        return services;
    }
}
