import { describe, expect, it } from 'vitest';
import { MasterIndex } from '../repository/master-index';
import { DamageLedger } from './damage-ledger';

const id = (n: number) => n.toString(16).padStart(64, '0');

function indexWithDuplicate(): MasterIndex {
  const index = new MasterIndex();
  index.addPack(id(100), [
    { type: 'data', id: id(1), offset: 0, length: 40 },
    { type: 'data', id: id(2), offset: 40, length: 40 },
  ]);
  // Blob 2 also lives in a second pack (restic allows duplicates).
  index.addPack(id(200), [{ type: 'data', id: id(2), offset: 0, length: 40 }]);
  return index;
}

describe('damage ledger', () => {
  it('a blob is lost only when every copy is bad', () => {
    const ledger = new DamageLedger();
    ledger.packLost(id(100));
    ledger.resolve(indexWithDuplicate());
    expect(ledger.isDamaged('data', id(1))).toBe(true);
    expect(ledger.isDamaged('data', id(2))).toBe(false);

    ledger.copyBad(id(200), 'data', id(2));
    ledger.resolve(indexWithDuplicate());
    expect(ledger.isDamaged('data', id(2))).toBe(true);
  });

  it('missing blobs and unloadable trees are lost; the type is part of the key', () => {
    const ledger = new DamageLedger();
    expect(ledger.empty).toBe(true);
    ledger.blobMissing('data', id(7));
    ledger.treeUnloadable(id(8));
    expect(ledger.empty).toBe(false);
    ledger.resolve(new MasterIndex());
    expect(ledger.isDamaged('data', id(7))).toBe(true);
    expect(ledger.isDamaged('tree', id(7))).toBe(false);
    expect(ledger.isDamaged('tree', id(8))).toBe(true);
    expect(ledger.isDamaged('data', id(1))).toBe(false);
  });

  it('refuses to answer before resolve', () => {
    const ledger = new DamageLedger();
    ledger.blobMissing('data', id(7));
    expect(() => ledger.isDamaged('data', id(7))).toThrow(/resolve/);
  });
});
