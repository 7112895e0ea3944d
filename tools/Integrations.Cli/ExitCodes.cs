namespace Integrations.Cli;

/// <summary>The process exit codes of <c>integrations</c>; scripts can branch on them.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran but failed: the service refused the action (409, 422, 429, …), or a check did not pass.</summary>
    public const int Failure = 1;

    /// <summary>The input was invalid: a bad command line, or a request the service refused as invalid (400).</summary>
    public const int Usage = 2;

    /// <summary>The service refused the API key (401 or 403).</summary>
    public const int Unauthorized = 3;

    /// <summary>What was asked for does not exist (404).</summary>
    public const int NotFound = 4;

    /// <summary>The service could not be reached, or answered 502, 503 or 504.</summary>
    public const int Unavailable = 5;
}
