using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Integrations.Worker.Flows;

/// <summary>Which deliveries a flow runs, by provider and event type.</summary>
public sealed record DeliveryFlowRoute(Type Flow, Func<string, string, bool> Handles);

/// <summary>
/// Finds the flow for a delivery and builds only that one. A flow's connectors carry typed HTTP
/// clients, so building every flow to ask each whether it handles a delivery cost the worker five
/// flows' worth of clients per delivery, most of them thrown away at once.
/// </summary>
public sealed class DeliveryFlowRouter(IEnumerable<DeliveryFlowRoute> routes)
{
    private readonly DeliveryFlowRoute[] _routes = [.. routes];

    /// <returns>The flow built from <paramref name="services"/>, or <c>null</c> when no flow handles the delivery.</returns>
    public IDeliveryFlow? Resolve(IServiceProvider services, string provider, string eventType)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var route in _routes)
        {
            if (route.Handles(provider, eventType))
            {
                return (IDeliveryFlow)services.GetRequiredService(route.Flow);
            }
        }

        return null;
    }
}

public static class DeliveryFlowExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TFlow"/> (transient) and its route; <paramref name="handles"/> builds
    /// the route's predicate once, from the root services (e.g. to read options).
    /// </summary>
    public static IServiceCollection AddDeliveryFlow<TFlow>(this IServiceCollection services, Func<IServiceProvider, Func<string, string, bool>> handles)
        where TFlow : class, IDeliveryFlow
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(handles);

        services.AddTransient<TFlow>();
        services.AddSingleton(provider => new DeliveryFlowRoute(typeof(TFlow), handles(provider)));
        services.TryAddSingleton<DeliveryFlowRouter>();
        return services;
    }
}
