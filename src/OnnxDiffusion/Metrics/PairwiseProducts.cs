using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OnnxDiffusion.Metrics;

/// <summary>
/// Blocked float64 inner products between the rows of two row-major matrices, and squared Euclidean distances from them
/// as ‖a‖² + ‖b‖² − 2 a·b. Every metric that forms pairwise distances or kernels goes through here.
/// </summary>
/// <remarks>
/// Each pair's product is summed in one fixed order whatever its position in a tile, on every machine: four lanes, each an
/// FMA chain over the coordinates ≡ lane (mod 4), reduced as (l0 + l1) + (l2 + l3), then the coordinates past the last
/// multiple of 4 in turn. The squared norms come from the same routine, so a row paired with an exact copy of itself gets
/// ‖a‖² + ‖a‖² − 2‖a‖² = 0 exactly (k-NN balls and copy tests rely on that), and the vector and scalar paths agree bit for bit.
/// </remarks>
public static class PairwiseProducts
{
    // Rows of the second operand per cache block: 64 rows × 128 doubles = 64 KiB, read from L2 while a quad of the first operand stays in L1.
    private const int ColumnBlock = 64;

    /// <summary>a · b in the fixed order (see the remarks).</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"lengths differ: {a.Length} vs {b.Length}");
        int d = a.Length, body = d & ~3;
        double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        for (int k = 0; k < body; k += 4)
        {
            l0 = Math.FusedMultiplyAdd(a[k], b[k], l0);
            l1 = Math.FusedMultiplyAdd(a[k + 1], b[k + 1], l1);
            l2 = Math.FusedMultiplyAdd(a[k + 2], b[k + 2], l2);
            l3 = Math.FusedMultiplyAdd(a[k + 3], b[k + 3], l3);
        }
        double s = (l0 + l1) + (l2 + l3);
        for (int k = body; k < d; k++)
            s = Math.FusedMultiplyAdd(a[k], b[k], s);
        return s;
    }

    /// <summary>‖row‖² of every row of <paramref name="rows"/> (row-major, <paramref name="d"/> wide), by <see cref="Dot"/>.</summary>
    public static double[] SquaredNorms(ReadOnlySpan<double> rows, int d)
    {
        var norms = new double[rows.Length / d];
        for (int i = 0; i < norms.Length; i++)
        {
            var r = rows.Slice(i * d, d);
            norms[i] = Dot(r, r);
        }
        return norms;
    }

    /// <summary>
    /// destination[i · <paramref name="stride"/> + j] = a_i · b_j for every row i of <paramref name="a"/> and j of
    /// <paramref name="b"/> (both row-major, <paramref name="d"/> wide). Single-threaded: callers split a into row blocks.
    /// </summary>
    public static void Products(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int d, Span<double> destination, int stride)
    {
        int na = a.Length / d, nb = b.Length / d;
        if (stride < nb || (na > 0 && destination.Length < (na - 1) * stride + nb))
            throw new ArgumentException($"destination of {destination.Length} with stride {stride} cannot hold {na} × {nb} products");
        bool vector = Vector256.IsHardwareAccelerated && d >= 4;
        for (int j0 = 0; j0 < nb; j0 += ColumnBlock)
        {
            int j1 = Math.Min(nb, j0 + ColumnBlock);
            int i = 0;
            if (vector)
                for (; i + 4 <= na; i += 4)
                {
                    int j = j0;
                    for (; j + 4 <= j1; j += 4)
                        Tile4x4(a, i, b, j, d, destination, stride);
                    for (; j < j1; j++)
                        for (int r = i; r < i + 4; r++)
                            destination[r * stride + j] = Dot(a.Slice(r * d, d), b.Slice(j * d, d));
                }
            for (; i < na; i++)
                for (int j = j0; j < j1; j++)
                    destination[i * stride + j] = Dot(a.Slice(i * d, d), b.Slice(j * d, d));
        }
    }

    /// <summary>
    /// destination[i · <paramref name="stride"/> + j] = ‖a_i − b_j‖² by the norm expansion, clamped at 0 (rounding can
    /// leave a tiny negative for near-identical rows; identical rows give 0 exactly).
    /// </summary>
    public static void SquaredDistances(ReadOnlySpan<double> a, ReadOnlySpan<double> aNorms, ReadOnlySpan<double> b, ReadOnlySpan<double> bNorms,
        int d, Span<double> destination, int stride)
    {
        Products(a, b, d, destination, stride);
        int na = aNorms.Length, nb = bNorms.Length;
        for (int i = 0; i < na; i++)
        {
            var row = destination.Slice(i * stride, nb);
            double ni = aNorms[i];
            for (int j = 0; j < nb; j++)
                row[j] = Math.Max(0, ni + bNorms[j] - 2 * row[j]);
        }
    }

    // Four rows of a against four of b: sixteen 4-lane accumulators, each the lane chains of Dot.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x4(ReadOnlySpan<double> a, int i, ReadOnlySpan<double> b, int j, int d, Span<double> destination, int stride)
    {
        ref double a0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i * d);
        ref double a1 = ref Unsafe.Add(ref a0, d);
        ref double a2 = ref Unsafe.Add(ref a1, d);
        ref double a3 = ref Unsafe.Add(ref a2, d);
        ref double b0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(b), j * d);
        ref double b1 = ref Unsafe.Add(ref b0, d);
        ref double b2 = ref Unsafe.Add(ref b1, d);
        ref double b3 = ref Unsafe.Add(ref b2, d);
        Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<double> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<double> c30 = default, c31 = default, c32 = default, c33 = default;
        int body = d & ~3;
        for (int k = 0; k < body; k += 4)
        {
            nuint o = (nuint)k;
            var x0 = Vector256.LoadUnsafe(ref a0, o);
            var x1 = Vector256.LoadUnsafe(ref a1, o);
            var x2 = Vector256.LoadUnsafe(ref a2, o);
            var x3 = Vector256.LoadUnsafe(ref a3, o);
            var y = Vector256.LoadUnsafe(ref b0, o);
            c00 = Vector256.FusedMultiplyAdd(x0, y, c00); c10 = Vector256.FusedMultiplyAdd(x1, y, c10);
            c20 = Vector256.FusedMultiplyAdd(x2, y, c20); c30 = Vector256.FusedMultiplyAdd(x3, y, c30);
            y = Vector256.LoadUnsafe(ref b1, o);
            c01 = Vector256.FusedMultiplyAdd(x0, y, c01); c11 = Vector256.FusedMultiplyAdd(x1, y, c11);
            c21 = Vector256.FusedMultiplyAdd(x2, y, c21); c31 = Vector256.FusedMultiplyAdd(x3, y, c31);
            y = Vector256.LoadUnsafe(ref b2, o);
            c02 = Vector256.FusedMultiplyAdd(x0, y, c02); c12 = Vector256.FusedMultiplyAdd(x1, y, c12);
            c22 = Vector256.FusedMultiplyAdd(x2, y, c22); c32 = Vector256.FusedMultiplyAdd(x3, y, c32);
            y = Vector256.LoadUnsafe(ref b3, o);
            c03 = Vector256.FusedMultiplyAdd(x0, y, c03); c13 = Vector256.FusedMultiplyAdd(x1, y, c13);
            c23 = Vector256.FusedMultiplyAdd(x2, y, c23); c33 = Vector256.FusedMultiplyAdd(x3, y, c33);
        }
        ref double row0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(destination), i * stride + j);
        Finish(c00, c01, c02, c03, ref row0, ref a0, ref b0, d, body);
        Finish(c10, c11, c12, c13, ref Unsafe.Add(ref row0, stride), ref a1, ref b0, d, body);
        Finish(c20, c21, c22, c23, ref Unsafe.Add(ref row0, 2 * stride), ref a2, ref b0, d, body);
        Finish(c30, c31, c32, c33, ref Unsafe.Add(ref row0, 3 * stride), ref a3, ref b0, d, body);
    }

    // One row of a tile: each accumulator reduced as Dot reduces its lanes, then the tail coordinates.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector256<double> c0, Vector256<double> c1, Vector256<double> c2, Vector256<double> c3,
        ref double destination, ref double a, ref double b0, int d, int body)
    {
        Unsafe.Add(ref destination, 0) = Tail(Reduce(c0), ref a, ref b0, d, body);
        Unsafe.Add(ref destination, 1) = Tail(Reduce(c1), ref a, ref Unsafe.Add(ref b0, d), d, body);
        Unsafe.Add(ref destination, 2) = Tail(Reduce(c2), ref a, ref Unsafe.Add(ref b0, 2 * d), d, body);
        Unsafe.Add(ref destination, 3) = Tail(Reduce(c3), ref a, ref Unsafe.Add(ref b0, 3 * d), d, body);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Reduce(Vector256<double> c) => (c.GetElement(0) + c.GetElement(1)) + (c.GetElement(2) + c.GetElement(3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Tail(double s, ref double a, ref double b, int d, int body)
    {
        for (int k = body; k < d; k++)
            s = Math.FusedMultiplyAdd(Unsafe.Add(ref a, k), Unsafe.Add(ref b, k), s);
        return s;
    }
}
