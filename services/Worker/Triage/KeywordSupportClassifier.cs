using Microsoft.Extensions.Options;

namespace Integrations.Worker.Triage;

/// <summary>Deterministic: the first configured rule with a keyword in the subject or body decides.</summary>
public sealed class KeywordSupportClassifier(IOptions<TriageOptions> options) : ISupportClassifier
{
    public string Classify(SupportRow row)
    {
        ArgumentNullException.ThrowIfNull(row);

        var text = $"{row.Subject}\n{row.Body}";
        foreach (var rule in options.Value.Rules)
        {
            if (rule.Keywords.Any(k => text.Contains(k, StringComparison.OrdinalIgnoreCase)))
            {
                return rule.Category;
            }
        }

        return options.Value.DefaultCategory;
    }
}
