namespace Integrations.Worker.Triage;

/// <summary>Puts a support row into one category. Replaceable: a smarter classifier implements this.</summary>
public interface ISupportClassifier
{
    string Classify(SupportRow row);
}
