using System.Globalization;

namespace Integrations.Worker.Flows;

/// <summary>
/// The Slack line for a completed checkout, e.g. <c>New customer jane@example.com on Pro: 49.00 USD</c>.
/// Stripe amounts are in the currency's smallest unit: cents for USD, whole yen for JPY.
/// </summary>
public sealed record NewCustomerNotice(string Customer, string Plan, long? Amount, string? Currency)
{
    private static readonly HashSet<string> s_zeroDecimal = new(StringComparer.OrdinalIgnoreCase)
    {
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    };

    public string Text => Amount is { } amount && Currency is { Length: > 0 } currency
        ? $"New customer {Customer} on {Plan}: {Format(amount, currency)} {currency.ToUpperInvariant()}"
        : $"New customer {Customer} on {Plan}";

    private static string Format(long amount, string currency) => s_zeroDecimal.Contains(currency)
        ? amount.ToString(CultureInfo.InvariantCulture)
        : (amount / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
