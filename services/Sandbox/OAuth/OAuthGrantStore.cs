using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Integrations.Sandbox.OAuth;

/// <summary>
/// The sandbox's OAuth authorization server state, in memory like a provider's own: authorization
/// codes (single use, bound to client, redirect URI and PKCE S256 challenge), access tokens and
/// refresh tokens. Refreshing rotates the refresh token (the old one stops working at once, as
/// with Slack's and GitHub's rotation) and counts the call per account, so tests can assert that
/// a refresh happened exactly once. Admin hooks make an account's refresh tokens invalid.
/// </summary>
public sealed class OAuthGrantStore(TimeProvider time)
{
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Grant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Grant> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OAuthStats> _stats = new(StringComparer.Ordinal);

    // Rotated-out and invalidated refresh tokens, by the account they belonged to: a refresh with
    // one of them answers invalid_grant and still counts as a refresh call of that account.
    private readonly ConcurrentDictionary<string, string> _deadRefreshTokens = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private string? _nextSignIn;

    public string IssueCode(string provider, string clientId, string redirectUri, string scope, string account, string codeChallenge)
    {
        var code = NewValue("code");
        _codes[code] = new PendingCode(provider, clientId, redirectUri, scope, account, codeChallenge, time.GetUtcNow() + CodeLifetime);
        return code;
    }

    /// <summary>Redeems a code once; a wrong client, redirect URI or PKCE verifier consumes nothing and fails.</summary>
    public IssuedTokens? RedeemCode(string provider, string code, string clientId, string redirectUri, string codeVerifier)
    {
        lock (_gate)
        {
            if (!_codes.TryGetValue(code, out var pending) || pending.Provider != provider || pending.ExpiresAt < time.GetUtcNow()
                || pending.ClientId != clientId || pending.RedirectUri != redirectUri || !ChallengeMatches(pending.CodeChallenge, codeVerifier))
            {
                return null;
            }

            _codes.TryRemove(code, out _);
            Stats(pending.Account).CountCodeExchange();
            return Issue(new Grant(provider, clientId, pending.Account, pending.Scope));
        }
    }

    /// <summary>Exchanges a refresh token for new tokens and retires it; counts every call with a token it issued, successful or not.</summary>
    public IssuedTokens? Refresh(string provider, string refreshToken, string clientId)
    {
        lock (_gate)
        {
            if (_refreshTokens.TryGetValue(refreshToken, out var grant))
            {
                Stats(grant.Account).CountRefresh();
            }
            else if (_deadRefreshTokens.TryGetValue(refreshToken, out var deadAccount))
            {
                Stats(deadAccount).CountRefresh();
            }

            if (grant is null || grant.Provider != provider || grant.ClientId != clientId)
            {
                return null;
            }

            _refreshTokens.TryRemove(refreshToken, out _);
            _deadRefreshTokens[refreshToken] = grant.Account;
            return Issue(grant);
        }
    }

    public bool Revoke(string token)
    {
        lock (_gate)
        {
            var grant = _refreshTokens.TryRemove(token, out var byRefresh) ? byRefresh : _accessTokens.TryRemove(token, out var byAccess) ? byAccess : null;
            if (grant is null)
            {
                return false;
            }

            foreach (var (value, _) in _refreshTokens.Where(pair => pair.Value.Account == grant.Account && pair.Value.Provider == grant.Provider))
            {
                _refreshTokens.TryRemove(value, out _);
                _deadRefreshTokens[value] = grant.Account;
            }

            foreach (var (value, _) in _accessTokens.Where(pair => pair.Value.Account == grant.Account && pair.Value.Provider == grant.Provider))
            {
                _accessTokens.TryRemove(value, out _);
            }

            Stats(grant.Account).CountRevoke();
            return true;
        }
    }

    /// <summary>Admin hook: every refresh token of the account now answers <c>invalid_grant</c>.</summary>
    public int InvalidateRefreshTokens(string account)
    {
        lock (_gate)
        {
            var mine = _refreshTokens.Where(pair => pair.Value.Account == account).Select(pair => pair.Key).ToList();
            foreach (var token in mine)
            {
                _refreshTokens.TryRemove(token, out _);
                _deadRefreshTokens[token] = account;
            }

            return mine.Count;
        }
    }

    /// <summary>Admin hook: the account's next <paramref name="count"/> refresh calls answer 503 without being processed.</summary>
    public void FailNextRefreshes(string account, int count) => Stats(account).FailNext(count);

    /// <summary>Whether this refresh call is one of those to fail; it is counted as rejected, not as a refresh.</summary>
    public bool ShouldFailTransiently(string refreshToken) => AccountOf(refreshToken) is { } account && Stats(account).TryConsumeFailure();

    /// <summary>How long a refresh of this token takes: <see cref="OAuthStats.RefreshDelay"/> of its account.</summary>
    public TimeSpan RefreshDelay(string refreshToken) => AccountOf(refreshToken) is { } account ? Stats(account).RefreshDelay : TimeSpan.Zero;

    private string? AccountOf(string refreshToken) =>
        _refreshTokens.TryGetValue(refreshToken, out var grant) ? grant.Account : _deadRefreshTokens.GetValueOrDefault(refreshToken);

    public bool IsActiveAccessToken(string token) =>
        _accessTokens.TryGetValue(token, out var grant) && grant.ExpiresAt > time.GetUtcNow();

    /// <summary>The scopes of a live access token of <paramref name="provider"/>; null when the token is unknown, expired or revoked.</summary>
    public IReadOnlyList<string>? ScopesOf(string provider, string token) =>
        _accessTokens.TryGetValue(token, out var grant) && grant.Provider == provider && grant.ExpiresAt > time.GetUtcNow()
            ? grant.Scope.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)
            : null;

    /// <summary>The account a live access token of <paramref name="provider"/> belongs to: who the provider says the caller is.</summary>
    public string? AccountOfAccessToken(string provider, string token) =>
        _accessTokens.TryGetValue(token, out var grant) && grant.Provider == provider && grant.ExpiresAt > time.GetUtcNow() ? grant.Account : null;

    /// <summary>
    /// Admin hook: the next authorization is approved by <paramref name="account"/>, whatever its
    /// login hint asked for, as a real user may sign in with another account than the one suggested.
    /// </summary>
    public void SignInNextAs(string account)
    {
        lock (_gate)
        {
            _nextSignIn = account;
        }
    }

    /// <summary>Who approves this authorization: the account set by <see cref="SignInNextAs"/> once, else the login hint.</summary>
    public string SignedInAccount(string? loginHint)
    {
        lock (_gate)
        {
            var account = _nextSignIn ?? (string.IsNullOrEmpty(loginHint) ? "sandbox-user@example.com" : loginHint);
            _nextSignIn = null;
            return account;
        }
    }

    public OAuthStats Stats(string account) => _stats.GetOrAdd(account, _ => new OAuthStats());

    /// <summary>Every live token of an account, so tests can look for them where they must not be.</summary>
    public IReadOnlyList<string> Tokens(string account) =>
        [.. _accessTokens.Where(p => p.Value.Account == account).Select(p => p.Key), .. _refreshTokens.Where(p => p.Value.Account == account).Select(p => p.Key)];

    private IssuedTokens Issue(Grant grant)
    {
        var access = NewValue("at");
        var refresh = NewValue("rt");
        var expiresAt = time.GetUtcNow() + AccessTokenLifetime;
        _accessTokens[access] = grant with { ExpiresAt = expiresAt };
        _refreshTokens[refresh] = grant;
        return new IssuedTokens(access, refresh, (int)AccessTokenLifetime.TotalSeconds, grant.Scope, grant.Account);
    }

    private static bool ChallengeMatches(string challenge, string verifier)
    {
        var computed = Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string NewValue(string kind) => $"sbx-{kind}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24))}";

    private sealed record PendingCode(string Provider, string ClientId, string RedirectUri, string Scope, string Account, string CodeChallenge, DateTimeOffset ExpiresAt);

    private sealed record Grant(string Provider, string ClientId, string Account, string Scope)
    {
        public DateTimeOffset ExpiresAt { get; init; }
    }
}
