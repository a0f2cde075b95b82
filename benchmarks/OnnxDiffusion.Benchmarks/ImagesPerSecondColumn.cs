using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace OnnxDiffusion.Benchmarks;

/// <summary>
/// Images per second = 1 / mean time per operation, for benchmarks whose operation is one image
/// (<c>[OperationsPerInvoke(images)]</c>). BenchmarkDotNet reports time per operation only.
/// </summary>
public sealed class ImagesPerSecondColumn : IColumn
{
    /// <inheritdoc />
    public string Id => nameof(ImagesPerSecondColumn);

    /// <inheritdoc />
    public string ColumnName => "Images/s";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => "Images per second (1 / Mean; one operation is one image)";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return meanNs is > 0 ? (1e9 / meanNs.Value).ToString("0.00", CultureInfo.InvariantCulture) : "NA";
    }

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>Adds <see cref="ImagesPerSecondColumn"/> to a benchmark class.</summary>
public sealed class ImagesPerSecondConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ImagesPerSecondConfig() => AddColumn(new ImagesPerSecondColumn());
}
