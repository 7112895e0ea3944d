using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Integrations.Audit.Client;
using Integrations.Cli.Http;

namespace Integrations.Cli.Commands;

/// <summary><c>audit tail|query|export|verify</c>: read and check the audit log (needs the audit key).</summary>
public static class AuditCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command("audit", "Read and verify the audit log.") { Tail(context), Query(context), Export(context), Verify(context) };
    }

    private static Command Query(CliContext context)
    {
        var filters = new AuditFilters();
        // Pages run newest first, so the next page holds older rows: its cursor is the API's 'before'.
        var before = new Option<long?>("--before") { Description = "The cursor of the next (older) page: the 'next' the previous page printed." };
        var limit = new Option<int>("--limit") { Description = "Rows per page (1-1000).", DefaultValueFactory = _ => 100 };
        var query = new Command("query", "Read audit rows, newest first, one page at a time.") { before, limit };
        filters.AddTo(query);
        context.SetAction(query, async (parse, cancellationToken) =>
        {
            using var service = context.Client(parse, "audit");
            var page = await new AuditClient(service.Http).QueryAsync(
                filters.Query(parse) with { Limit = parse.GetValue(limit), Before = parse.GetValue(before) }, cancellationToken);
            context.Write(parse, page, output =>
            {
                WriteRows(output, page.Items);
                if (page.Next is not null)
                {
                    context.Console.Error.WriteLine($"Older rows: add --before {page.Next}");
                }
            });
            return ExitCodes.Success;
        });
        return query;
    }

    private static Command Tail(CliContext context)
    {
        var filters = new AuditFilters();
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the latest rows to show first (1-1000).", DefaultValueFactory = _ => 20 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep polling and print new rows as they are written (Ctrl+C stops)." };
        var interval = new Option<TimeSpan>("--interval") { Description = "How often --follow polls.", DefaultValueFactory = _ => TimeSpan.FromSeconds(2) };
        var tail = new Command("tail", "Show the latest audit rows, oldest of them first; --follow prints new ones as they come.") { lines, follow, interval };
        filters.AddTo(tail);
        context.SetAction(tail, async (parse, cancellationToken) =>
        {
            using var service = context.Client(parse, "audit");
            var audit = new AuditClient(service.Http);
            var json = context.IsJson(parse);
            var query = filters.Query(parse);
            var page = await audit.QueryAsync(query with { Limit = parse.GetValue(lines) }, cancellationToken);
            var rows = page.Items.OrderBy(row => row.Id).ToList();
            WriteTailRows(context.Console.Output, rows, json, header: true);
            // New rows are read forward from the newest row shown, every page of them, so a burst of
            // more rows than one page between two polls is printed whole.
            var last = rows.Count == 0 ? 0 : rows[^1].Id;
            while (parse.GetValue(follow) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(parse.GetValue(interval), cancellationToken);
                await foreach (var row in audit.QueryAllAsync(query with { Limit = 1000, After = last }, cancellationToken))
                {
                    WriteTailRows(context.Console.Output, [row], json, header: false);
                    last = row.Id;
                }
            }

            return ExitCodes.Success;
        });
        return tail;
    }

    private static Command Export(CliContext context)
    {
        var filters = new AuditFilters();
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file instead of standard output." };
        var export = new Command("export", "Export matching audit rows as NDJSON (one JSON object per line), streamed.") { output };
        filters.AddTo(export);
        context.SetAction(export, async (parse, cancellationToken) =>
        {
            using var service = context.Client(parse, "audit", timeout: Timeout.InfiniteTimeSpan);
            var lines = new AuditClient(service.Http).ExportLinesAsync(filters.Query(parse), cancellationToken);
            await using var rows = lines.GetAsyncEnumerator(cancellationToken);
            // The first row is asked for before the file is opened, so a refused export leaves no file behind.
            var any = await rows.MoveNextAsync();
            var file = parse.GetValue(output);
            var progress = new ProgressLine(context.Console.Error, context.Console.ErrorIsTerminal, "Exported");
            await using var target = file is null ? null : new StreamWriter(file.FullName, append: false, new UTF8Encoding(false));
            var writer = target ?? context.Console.Output;
            for (; any; any = await rows.MoveNextAsync())
            {
                var line = rows.Current;
                await writer.WriteLineAsync(line);
                progress.Advance(1, Encoding.UTF8.GetByteCount(line) + 1);
            }

            await writer.FlushAsync(cancellationToken);
            progress.Complete(file is null ? "to standard output" : $"to {file.FullName}");
            return ExitCodes.Success;
        });
        return export;
    }

    private static Command Verify(CliContext context)
    {
        var verify = new Command("verify", "Check the audit log's hash chain: exit 0 if every row is intact, 1 if not.");
        context.SetAction(verify, async (parse, cancellationToken) =>
        {
            using var service = context.Client(parse, "audit", timeout: TimeSpan.FromMinutes(10));
            var result = await new AuditClient(service.Http).VerifyAsync(cancellationToken);
            context.Write(parse, result, output => output.WriteLine(result.Ok
                ? $"Audit log intact: {result.Checked:N0} rows checked."
                : $"Audit log BROKEN at row {result.FirstBrokenId}: {result.Reason} ({result.Checked:N0} rows checked)."));
            return result.Ok ? ExitCodes.Success : ExitCodes.Failure;
        });
        return verify;
    }

    private static void WriteTailRows(TextWriter output, IReadOnlyList<AuditRecord> rows, bool json, bool header)
    {
        if (json)
        {
            foreach (var row in rows)
            {
                output.WriteLine(JsonSerializer.Serialize(row, JsonSerializerOptions.Web));
            }
        }
        else if (header || rows.Count > 0)
        {
            WriteRows(output, rows, header);
        }

        output.Flush();
    }

    private static void WriteRows(TextWriter output, IReadOnlyList<AuditRecord> rows, bool header = true)
    {
        var cells = rows.Select(r => new[]
        {
            r.Id.ToString(CultureInfo.InvariantCulture), r.Ts.ToString("O", CultureInfo.InvariantCulture), r.Actor, r.Provider,
            r.Action, r.Target, r.Status, r.IdempotencyKey ?? "",
        });
        if (header)
        {
            Table.Write(output, ["ID", "TIME", "ACTOR", "PROVIDER", "ACTION", "TARGET", "STATUS", "IDEMPOTENCY KEY"], cells);
        }
        else
        {
            foreach (var row in cells)
            {
                output.WriteLine(string.Join("  ", row));
            }
        }
    }
}
