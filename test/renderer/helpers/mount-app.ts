// Mounts a view the way the app frame does: with Pinia, the real routes (in memory) and the
// folder-picker dialog beside it, so flows that open the dialog work end to end.
import { defineComponent, h, type Component } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, RouterView } from 'vue-router'
import { createAppRouter } from '../../../src-renderer/src/router'
import FolderPickerDialog from '../../../src-renderer/src/components/folders/FolderPickerDialog.vue'
import ToastArea from '../../../src-renderer/src/components/layout/ToastArea.vue'

export async function mountAt(path: string, extra: Component[] = []) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createAppRouter(createMemoryHistory())
  const Shell = defineComponent({
    render: () => h('div', [h(RouterView), h(FolderPickerDialog), h(ToastArea), ...extra.map((c) => h(c))]),
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount(Shell, { global: { plugins: [pinia, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router, pinia }
}
