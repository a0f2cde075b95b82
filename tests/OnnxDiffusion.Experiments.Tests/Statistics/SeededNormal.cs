namespace OnnxDiffusion.Experiments.Tests.Statistics;

/// <summary>Deterministic normal draws (Box–Muller on a seeded System.Random) so simulation tests give the same counts every run.</summary>
internal sealed class SeededNormal(int seed)
{
    private readonly Random _random = new(seed);
    private double? _spare;

    public double Next(double mean, double sd)
    {
        if (_spare is double z)
        {
            _spare = null;
            return mean + sd * z;
        }
        // 1 − NextDouble() is in (0, 1], so the log never sees 0
        double u1 = 1 - _random.NextDouble();
        double u2 = _random.NextDouble();
        double r = Math.Sqrt(-2 * Math.Log(u1));
        _spare = r * Math.Sin(2 * Math.PI * u2);
        return mean + sd * r * Math.Cos(2 * Math.PI * u2);
    }

    public double[] Next(int count, double mean, double sd)
    {
        var xs = new double[count];
        for (int i = 0; i < count; i++)
            xs[i] = Next(mean, sd);
        return xs;
    }
}
