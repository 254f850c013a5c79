// Routes, and the guard that sends views needing a project to Projects with a note saying why.
import { createRouter, createWebHashHistory, type RouteRecordRaw, type Router, type RouterHistory } from 'vue-router'
import ProjectsView from '../views/ProjectsView.vue'
import { useProjectsStore } from '../stores/projects'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    /** The view shows data of the open project; without one it redirects to Projects. */
    needsProject?: boolean
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/projects' },
  { path: '/projects', name: 'projects', component: ProjectsView, meta: { title: 'Projects' } },
  { path: '/recordings', name: 'recordings', component: () => import('../views/RecordingsView.vue'), meta: { title: 'Recordings', needsProject: true } },
  { path: '/annotate', name: 'annotate', component: () => import('../views/AnnotateView.vue'), meta: { title: 'Annotate', needsProject: true } },
  { path: '/labels', name: 'labels', component: () => import('../views/LabelSetsView.vue'), meta: { title: 'Label sets', needsProject: true } },
  { path: '/detections', name: 'detections', component: () => import('../views/DetectionsView.vue'), meta: { title: 'Detections', needsProject: true } },
  { path: '/stats', name: 'stats', component: () => import('../views/StatsView.vue'), meta: { title: 'Statistics', needsProject: true } },
  { path: '/train', name: 'train', component: () => import('../views/TrainView.vue'), meta: { title: 'Train', needsProject: true } },
  { path: '/models', name: 'models', component: () => import('../views/ModelsView.vue'), meta: { title: 'Models', needsProject: true } },
  { path: '/jobs', name: 'jobs', component: () => import('../views/JobsView.vue'), meta: { title: 'Jobs', needsProject: true } },
  { path: '/settings', name: 'settings', component: () => import('../views/SettingsView.vue'), meta: { title: 'Settings' } },
  { path: '/:unknown(.*)*', redirect: '/projects' },
]

/**
 * Hash history: the page is served both from a file-like origin (Electron) and by the host, and
 * a hash keeps every route on the one index.html without server rewrites.
 */
export function createAppRouter(history: RouterHistory = createWebHashHistory()): Router {
  const router = createRouter({ history, routes })

  router.beforeEach(async (to) => {
    if (!to.meta.needsProject) return true
    const projects = useProjectsStore()
    try {
      await projects.ensureLoaded()
    } catch {
      // Not reachable yet: Projects shows the state; the toast from the session says why.
    }
    if (projects.current) return true
    return { name: 'projects', query: { need: to.meta.title ?? String(to.name), redirect: to.fullPath } }
  })

  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · OpenBEATs Studio` : 'OpenBEATs Studio'
  })

  return router
}
